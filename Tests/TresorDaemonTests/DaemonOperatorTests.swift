import Foundation
import Testing
import TresorCore
import TresorEngine
import TresorVaults
import TresorTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// How `tresor run` starts, reloads and reports, run as a real process.
@Suite struct DaemonOperatorTests {
    static let profile = TestManifests.localProfile("main")

    static func secret(_ name: String, _ value: String) -> String {
        TestManifests.secret(name, type: "apiKey", "allowInlineValues: true", "content: {content: \(value)}")
    }

    /// Runs `body` with a started daemon (after writing `files` into its directory); stops it by pid whatever happens.
    func withDaemon(
        manifests: String, arguments: [String] = [], environment: [String: String] = [:], files: [String: String] = [:],
        _ body: (DaemonProcess) async throws -> Void
    ) async throws {
        let directory = try DaemonProcess.workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try manifests.write(toFile: directory + "/manifests/all.yaml", atomically: true, encoding: .utf8)
        for (name, text) in files { try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8) }
        // `$DIR` in an argument is the daemon's directory.
        let daemon = try DaemonProcess.start(
            in: directory, environment: environment, arguments: arguments.map { $0.replacingOccurrences(of: "$DIR", with: directory) })
        try await withCleanup { try await body(daemon) } cleanup: { await daemon.kill9() }
    }

    func vaultValue(_ daemon: DaemonProcess, _ name: String) async throws -> String? {
        let vault = try LocalAdapter(directory: daemon.state + "/vaults/main", keyFile: daemon.state + "/local.key")
        return try await vault.read(at: name, version: nil)?.content["content"]?.reveal()
    }

    @Test func invalidManifestsAtStartServeHealthButNotReadyUntilFixed() async throws {
        try await withDaemon(manifests: Self.profile + Self.secret("db", "first-op-value") + "kind: Secret\nmetadata: {name: x}\n") { daemon in
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

    /// A credentials file fixed while the daemon runs is read again on SIGHUP: here the
    /// local vault's key file, refused at start because others could read it.
    @Test func sighupReadsCredentialsFilesAgain() async throws {
        let manifests = """
            apiVersion: tresor.dev/v1alpha1
            kind: VaultProfile
            metadata: {name: main}
            spec: {provider: {local: {keyFile: $DIR/vault.key}}}
            ---

            """
        let directory = try DaemonProcess.workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let key = directory + "/vault.key"
        #expect(FileManager.default.createFile(
            atPath: key, contents: Data((0..<32).map { _ in UInt8.random(in: 0...255) }), attributes: [.posixPermissions: 0o644]))
        try (manifests.replacingOccurrences(of: "$DIR", with: directory) + Self.secret("db", "hup-key-value"))
            .write(toFile: directory + "/manifests/all.yaml", atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess.start(in: directory, environment: [:])
        do {
            try await eventually("the refused key file is reported in the status") {
                let status = (try? String(contentsOfFile: daemon.state + "/status/Secret/db.yaml", encoding: .utf8)) ?? ""
                return status.contains("reason: ProfileUnavailable") && status.contains("open to other users")
            }
            chmod(key, 0o600)
            #expect(try await daemon.signal(SIGHUP, waitFor: 2) == nil, "SIGHUP ended the daemon")
            try await eventually("the secret is written with the key read again") {
                let vault = try LocalAdapter(directory: daemon.state + "/vaults/main", keyFile: key)
                return try await vault.read(at: "db", version: nil)?.content["content"]?.reveal() == "hup-key-value"
            }
            #expect(try await daemon.signal(SIGTERM) == 0)
        } catch {
            await daemon.kill9()
            throw error
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

    /// `tresor` run to its end beside the daemon.
    func tresor(_ arguments: [String], _ daemon: DaemonProcess) async throws -> ProcessOutput {
        try await runToEnd(DaemonProcess.binary, arguments, environment: ProcessInfo.processInfo.environment, directory: daemon.directory)
    }

    /// `resume` alone brings the secret back: the daemon sees the suspension record
    /// change as it sees a manifest change, long before the next resync (10 minutes).
    @Test func suspendLeavesASecretAloneAndResumeRunsAPassAtOnce() async throws {
        try await withDaemon(manifests: Self.profile + Self.secret("db", "suspend-value-1")) { daemon in
            try await daemon.waitUntilReady()
            let suspended = try await tresor(["suspend", "db", "--reason", "incident 42", "--state-dir", daemon.state], daemon)
            #expect(suspended.status == 0, "\(suspended.stderr)")
            try daemon.write(Self.profile + Self.secret("db", "suspend-value-2"), to: "all.yaml")
            try await eventually("the daemon says it leaves db alone") { daemon.log.contains("suspended; left alone") }
            #expect(try await vaultValue(daemon, "db") == "suspend-value-1")
            let described = try await tresor(["describe", "secret", "db", "--state-dir", daemon.state], daemon)
            #expect(described.stdout.contains("Suspended:"), "\(described.stdout)")
            let resumed = try await tresor(["resume", "db", "--state-dir", daemon.state], daemon)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            try await eventually("the resumed secret gets the edit made while it was suspended") {
                try await vaultValue(daemon, "db") == "suspend-value-2"
            }
            #expect(daemon.log.contains("resumed; reconciling now"))
            #expect(try await daemon.signal(SIGTERM) == 0)
            #expect(!daemon.log.contains("suspend-value"))
        }
    }

    @Test func reconcileRunsAPassNowForAHolderOfAnApprovalToken() async throws {
        let alice = ApprovalTokens.make(identity: "alice")
        try await withDaemon(
            manifests: Self.profile + Self.secret("db", "reconcile-value-1"), arguments: ["--approval-tokens", "$DIR/tokens"],
            files: ["tokens": alice.line + "\n", "alice.token": alice.token]
        ) { daemon in
            try await daemon.waitUntilReady()
            let server = "127.0.0.1:\(daemon.port)"
            // Drift the daemon does not see before its next resync (10 minutes).
            let vault = try LocalAdapter(directory: daemon.state + "/vaults/main", keyFile: daemon.state + "/local.key")
            try vault.writeOutside(at: "db", content: ["content": SecretValue("reconcile-drift")])
            let tokenFile = daemon.directory + "/alice.token"
            let anonymous = try await tresor(["reconcile", "db", "--server", server, "--token-file", daemon.directory + "/tokens"], daemon)
            #expect(anonymous.status == 1)
            #expect(anonymous.stderr.contains("401"), "\(anonymous.stderr)")
            let unknown = try await tresor(["reconcile", "nobody", "--server", server, "--token-file", tokenFile], daemon)
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("404"))
            let requested = try await tresor(["reconcile", "db", "--server", server, "--token-file", tokenFile], daemon)
            #expect(requested.status == 0, "\(requested.stderr)")
            #expect(requested.stdout.contains("queued Secret db"))
            try await eventually("the requested pass repairs the drift") { try await vaultValue(daemon, "db") == "reconcile-value-1" }
            let all = try await tresor(["reconcile", "--server", "http://" + server, "--token-file", tokenFile], daemon)
            #expect(all.stdout.contains("queued 1 secrets"), "\(all.stdout)\(all.stderr)")
            #expect(try await daemon.signal(SIGTERM) == 0)
            #expect(!daemon.log.contains("reconcile-value"))
            #expect(!daemon.log.contains("reconcile-drift"))
        }
    }

    @Test func dryRunExportsPendingChangesAndWritesNothing() async throws {
        try await withDaemon(manifests: Self.profile + Self.secret("db", "dry-value-1"), arguments: ["--dry-run"]) { daemon in
            try await daemon.waitUntilReady()
            let metrics = try await daemon.metrics()
            #expect(try metrics.value("tresor_pending_changes", ["secret": "db", "action": "create"]) == 1)
            #expect(try metrics.value("tresor_pending_changes", ["secret": "db", "action": "update"]) == 0)
            // The adapter's own .key-check may be there; no secret may.
            let written = ((try? FileManager.default.subpathsOfDirectory(atPath: daemon.state + "/vaults/main")) ?? []).filter { !$0.hasPrefix(".") }
            #expect(written.isEmpty, "a dry run wrote to the vault: \(written)")
            #expect(!FileManager.default.fileExists(atPath: daemon.state + "/status/Secret/db.yaml"))
            #expect(try await daemon.signal(SIGTERM) == 0)
        }
    }
}
