import Foundation
import Testing
import TresorCore
import TresorEngine
import TresorVaults
import TresorTestSupport

/// `tresor run --tls-cert --tls-key`: the listener speaks HTTPS and the cookies get `Secure`.
@Suite(.serialized) struct WebUITLSTests {
    /// A self-signed certificate for 127.0.0.1, made with openssl.
    static func certificate(in directory: String) async throws -> (cert: String, key: String) {
        let cert = directory + "/tls.crt", key = directory + "/tls.key"
        let made = try await offloaded {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert,
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        #expect(made == 0, "openssl made the test certificate")
        return (cert, key)
    }

    @Test func overTLSTheSignInWorksAndTheSessionCookieIsSecure() async throws {
        let directory = try DaemonProcess.workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (cert, key) = try await Self.certificate(in: directory)
        let alice = ApprovalTokens.make(identity: "alice")
        try (alice.line + "\n").write(toFile: directory + "/tokens", atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess.start(
            in: directory, environment: [:],
            arguments: ["--approval-tokens", directory + "/tokens", "--tls-cert", cert, "--tls-key", key])
        do {
            let tls = TLSOptions(caFile: cert)
            let browser = UIClient(port: daemon.port, scheme: "https")
            try await eventually("the HTTPS listener") { (try? await browser.get("/readyz", tls: tls).status) == 200 }
            let signedIn = try await browser.signIn(alice.token, tls: tls)
            #expect(signedIn.status == 303)
            let cookie = try #require(signedIn.headers["set-cookie"])
            #expect(cookie.hasPrefix("tresor_session=") && cookie.contains("; Secure") && cookie.contains("HttpOnly"))
            #expect(try await browser.get("/ui/secrets", tls: tls).status == 200)

            // Plain HTTP on the same port gets no page.
            let plain = try? await UIClient.http.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(daemon.port)/ui/sign-in"), tls: TLSOptions())
            #expect(plain?.status != 200)
        } catch {
            await daemon.kill9()
            Issue.record("daemon log:\n\(daemon.log.suffix(3000))")
            throw error
        }
        await daemon.kill9()
    }

    @Test func aKeyFileThatIsNotAKeyStopsTheDaemonNamingTheFile() async throws {
        let directory = try DaemonProcess.workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (cert, _) = try await Self.certificate(in: directory)
        try "not a key\n".write(toFile: directory + "/bad.key", atomically: true, encoding: .utf8)
        let run = try await runTresor([
            "run", "-f", directory + "/manifests", "--state-dir", directory + "/state", "--listen", "127.0.0.1:0",
            "--tls-cert", cert, "--tls-key", directory + "/bad.key",
        ])
        #expect(run.status == 1)
        #expect(run.output.contains("--tls-key \(directory)/bad.key"), "the error names the file: \(run.output)")
        let half = try await runTresor(["run", "-f", directory + "/manifests", "--state-dir", directory + "/state", "--tls-cert", cert])
        #expect(half.status != 0 && half.output.contains("--tls-cert and --tls-key go together"))
    }
}
