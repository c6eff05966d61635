import Foundation
import Testing
import TresorCore
import TresorVaults

#if canImport(Glibc)
    import Glibc
#endif

/// How `tresor run` starts, reloads and reports, run as a real process.
@Suite struct DaemonOperatorTests {
    static let profile = """
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: main}
        spec: {provider: {local: {}}}

        """

    static func secret(_ name: String, _ value: String) -> String {
        """
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: Secret
        metadata: {name: \(name)}
        spec: {type: apiKey, vaultProfile: main, allowInlineValues: true, content: {content: \(value)}}

        """
    }

    /// Runs `body` with a started daemon; stops it by pid whatever happens.
    func withDaemon(
        manifests: String, arguments: [String] = [], environment: [String: String] = [:],
        _ body: (DaemonProcess) async throws -> Void
    ) async throws {
        let directory = try DaemonProcess.workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try manifests.write(toFile: directory + "/manifests/all.yaml", atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess.start(in: directory, environment: environment, arguments: arguments)
        do {
            try await body(daemon)
        } catch {
            await daemon.kill9()
            throw error
        }
        await daemon.kill9()
    }

    func vaultValue(_ daemon: DaemonProcess, _ name: String) async throws -> String? {
        let vault = try LocalAdapter(directory: daemon.state + "/vaults/main", keyFile: daemon.state + "/local.key")
        return try await vault.read(at: name, version: nil)?.content["content"]?.reveal()
    }

    @Test func invalidManifestsAtStartServeHealthButNotReadyUntilFixed() async throws {
        try await withDaemon(manifests: Self.profile + Self.secret("db", "first-op-value") + "---\nkind: Secret\nmetadata: {name: x}\n") { daemon in
            try await eventually("/healthz answers") { try await daemon.get("/healthz").status == 200 }
            let ready = try await daemon.get("/readyz")
            #expect(ready.status == 503)
            #expect(ready.body.contains("manifests do not validate"), "\(ready.body)")
            #expect(ready.body.contains("all.yaml:"), "the reason names file:line:column")
            #expect(daemon.isRunning)
            #expect(try await daemon.metrics().value("tresor_manifests_valid") == 0)
            try daemon.write(Self.profile + Self.secret("db", "first-op-value"), to: "all.yaml")
            try await daemon.waitUntilReady()
            #expect(try await vaultValue(daemon, "db") == "first-op-value")
            #expect(try await daemon.signal(SIGTERM) == 0)
        }
    }

    @Test func sighupReloadsInsteadOfEndingTheProcess() async throws {
        try await withDaemon(manifests: Self.profile + Self.secret("db", "hup-value-1")) { daemon in
            try await daemon.waitUntilReady()
            #expect(try await daemon.signal(SIGHUP, waitFor: 2) == nil, "SIGHUP ended the daemon")
            try await eventually("the reload is logged") { daemon.log.contains("SIGHUP: reloading") }
            #expect(try await daemon.get("/healthz").status == 200)
            try daemon.write(Self.profile + Self.secret("db", "hup-value-2"), to: "all.yaml")
            try await eventually("the change after the reload is applied") { try await vaultValue(daemon, "db") == "hup-value-2" }
            #expect(try await daemon.signal(SIGTERM) == 0)
            #expect(!daemon.log.contains("hup-value"))
        }
    }

    @Test func aBusyListenAddressStopsTheDaemonBeforeAnyVaultWrite() async throws {
        let directory = try DaemonProcess.workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try (Self.profile + Self.secret("db", "busy-port-value")).write(toFile: directory + "/manifests/all.yaml", atomically: true, encoding: .utf8)
        // Something else listens on the port first.
        let port = try unusedLocalPort()
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(holder, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        try #require(bound && listen(holder, 1) == 0)
        let result = try await runToEnd(
            DaemonProcess.binary,
            ["run", "-f", directory + "/manifests", "--state-dir", directory + "/state", "--listen", "127.0.0.1:\(port)"],
            environment: ProcessInfo.processInfo.environment, directory: directory)
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot listen on 127.0.0.1:\(port)"), "\(result.stderr)")
        #expect(result.stderr.contains("address already in use"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/state/vaults/main"), "a vault was written before the bind")
        #expect(!FileManager.default.fileExists(atPath: directory + "/state/status/Secret/db.yaml"))
    }

    @Test func buildInfoIsAMetric() async throws {
        try await withDaemon(manifests: Self.profile) { daemon in
            try await daemon.waitUntilReady()
            let body = try await daemon.get("/metrics").body
            let line = try #require(body.split(separator: "\n").first { $0.hasPrefix("tresor_build_info{") })
            #expect(line.contains("version=\"0."))
            #expect(line.contains("swift=\"6."))
            #expect(line.hasSuffix(" 1") || line.hasSuffix(" 1.0"))
        }
    }
}
