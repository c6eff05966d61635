import Foundation
import Testing
import TresorTestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A temp directory removed when `body` returns.
func withHTTPTempDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let template = FileManager.default.temporaryDirectory.path + "/tresor-http-XXXXXX"
    var bytes = Array(template.utf8CString)
    guard mkdtemp(&bytes) != nil else { throw CocoaError(.fileWriteUnknown) }
    let path = String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// Runs a command to completion; throws with its stderr when it fails.
func runCommand(_ executable: String, _ arguments: [String], in directory: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let stderr = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw CommandFailed(description: "\(executable) \(arguments.joined(separator: " ")) failed: \(String(decoding: stderr, as: UTF8.self))")
    }
}

/// A CA, a server certificate for 127.0.0.1/localhost and a client certificate signed by
/// it, and an unrelated CA, made with `openssl` in `directory`.
struct TestPKI: Sendable {
    let directory: String
    var caFile: String { directory + "/ca.crt" }
    var serverCert: String { directory + "/server.crt" }
    var serverKey: String { directory + "/server.key" }
    var clientCert: String { directory + "/client.crt" }
    var clientKey: String { directory + "/client.key" }
    var otherCAFile: String { directory + "/other-ca.crt" }

    static func make(in directory: String) async throws -> TestPKI {
        try await offloaded { try TestPKI(directory: directory) }
    }

    private init(directory: String) throws {
        self.directory = directory
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for (name, subject) in [("ca", "/CN=tresor test CA"), ("other-ca", "/CN=tresor unrelated CA")] {
            try runCommand("openssl", ["req", "-x509"] + ec + [
                "-keyout", "\(name).key", "-out", "\(name).crt", "-days", "2", "-subj", subject,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ], in: directory)
        }
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
            .write(toFile: directory + "/server.ext", atomically: true, encoding: .utf8)
        try "extendedKeyUsage=clientAuth\n".write(toFile: directory + "/client.ext", atomically: true, encoding: .utf8)
        for (name, subject) in [("server", "/CN=127.0.0.1"), ("client", "/CN=tresor test client")] {
            try runCommand("openssl", ["req"] + ec + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject], in: directory)
            try runCommand("openssl", [
                "x509", "-req", "-in", "\(name).csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "\(name).crt", "-days", "2", "-extfile", "\(name).ext",
            ], in: directory)
        }
    }
}

/// The Python server of `httpTestServerScript` on 127.0.0.1 and a free port; `with` stops
/// it by pid when the body returns or throws.
final class TestHTTPServer: @unchecked Sendable {
    enum Security: Sendable {
        case plain
        case tls(TestPKI)
        case mutualTLS(TestPKI)
    }

    let process: Process
    let port: Int
    let scheme: String
    private let stdin: Pipe

    var baseURL: String { "\(scheme)://127.0.0.1:\(port)" }

    private init(security: Security) throws {
        // The script goes on the command line: no file is left behind in the temp directory.
        var arguments = ["-c", httpTestServerScript]
        switch security {
        case .plain:
            scheme = "http"
        case .tls(let pki):
            scheme = "https"
            arguments += ["--cert", pki.serverCert, "--key", pki.serverKey]
        case .mutualTLS(let pki):
            scheme = "https"
            arguments += ["--cert", pki.serverCert, "--key", pki.serverKey, "--client-ca", pki.caFile]
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw CommandFailed(description: "test server did not start: \(text)")
        }
        self.port = port
    }

    /// SIGKILL by pid: children of the test process inherit a signal mask that blocks SIGTERM.
    func stop() {
        try? stdin.fileHandleForWriting.close()
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    static func with<T>(_ security: Security = .plain, _ body: (TestHTTPServer) async throws -> T) async throws -> T {
        let server = try await offloaded { try TestHTTPServer(security: security) }
        do {
            let result = try await body(server)
            try await offloaded { server.stop() }
            return result
        } catch {
            try? await offloaded { server.stop() }
            throw error
        }
    }
}

/// A thread-safe list the logging hook appends to.
final class LockedList<Element: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Element] = []
    func append(_ item: Element) { lock.withLock { items.append(item) } }
    var all: [Element] { lock.withLock { items } }
}
