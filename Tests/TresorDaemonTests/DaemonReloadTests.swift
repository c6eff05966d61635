import Foundation
import Testing
import TresorCore
import TresorDaemon
import TresorEngine
import TresorVaults
import TresorTestSupport

/// Reloads that a partial re-read must not get wrong: a secret moving between files
/// (never pruned on the way) and a profile edit (every user re-planned). The controller
/// runs in process on the local vault; the test polls with generous bounds.
struct DaemonReloadTests {
    func secret(_ name: String, value: String) -> String {
        TestManifests.secret(
            name, type: "apiKey", profile: "loc", "allowInlineValues: true", "deletionPolicy: Delete", "content: {content: \"\(value)\"}")
    }

    func profile(vault: String, qps: Int) -> String {
        """
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: loc}
        spec: {provider: {local: {path: \(vault)}}, rateLimit: {qps: \(qps), burst: 10}}

        """
    }

    /// Runs `body` and stops the controller afterwards, whether `body` threw or not.
    func whileRunning(_ controller: DaemonController, _ body: () async throws -> Void) async throws {
        try await withCleanup(body) {
            await controller.stop()
            await controller.waitForWorkers()
        }
    }

    @Test func aSecretMovedBetweenFilesIsKeptAndAProfileEditReplansItsSecrets() async throws {
        let root = FileManager.default.temporaryDirectory.path + "/tresor-reload-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manifests = root + "/m"
        try FileManager.default.createDirectory(atPath: manifests, withIntermediateDirectories: true)
        func write(_ text: String, _ name: String) throws {
            try text.write(toFile: manifests + "/" + name, atomically: true, encoding: .utf8)
        }
        try write(profile(vault: root + "/vault", qps: 100), "profile.yaml")
        try write(secret("x", value: "reload-x-1"), "a.yaml")
        try write(secret("y", value: "reload-y-1"), "b.yaml")
        let metrics = DaemonMetrics()
        let health = DaemonHealth()
        let controller = try DaemonController(
            configuration: DaemonConfiguration(paths: [manifests], stateDirectory: root + "/state", environment: [:]),
            metrics: metrics, health: health, logger: DaemonLogging.logger("test", format: .text, level: .critical))
        try await controller.start()
        let store = try StateStore(root: root + "/state")
        let vault = try LocalAdapter(directory: root + "/vault", keyFile: store.localKeyPath)
        try await whileRunning(controller) {
            // The first pass starts while the whole test run starts its servers, which has taken
            // close to a minute on a loaded 2-core machine: the bound tells a hang from that.
            try await eventually("the first full pass", timeout: .seconds(300)) { health.isReady }

            // x moves from a.yaml to b.yaml (declared twice for a moment: invalid), then
            // a.yaml declares z instead.
            try write(secret("x", value: "reload-x-1") + secret("y", value: "reload-y-1"), "b.yaml")
            try await eventually("the duplicate to be reported") {
                try PrometheusText(metrics.exposition()).value("tresor_manifest_load_errors_total") >= 1
            }
            try write(secret("z", value: "reload-z-1"), "a.yaml")
            try await eventually("z to be created") { try await vault.readMetadata(at: "z") != nil }
            try await eventually("the manifests to be valid again") {
                try PrometheusText(metrics.exposition()).value("tresor_manifests_valid") == 1
            }
            #expect(try await vault.readMetadata(at: "x") != nil, "a moved secret was pruned")
            #expect(try store.readStatus("x")?.versions.count == 1)

            // A profile edit re-plans x, y and z (no writes: nothing in them changed).
            let before = try PrometheusText(metrics.exposition()).value("tresor_reconciles_total", ["result": "success"])
            try write(profile(vault: root + "/vault", qps: 50), "profile.yaml")
            try await eventually("every secret of the profile to be passed again") {
                try PrometheusText(metrics.exposition()).value("tresor_reconciles_total", ["result": "success"]) >= before + 3
            }
            for name in ["x", "y", "z"] { #expect(try store.readStatus(name)?.versions.count == 1, "\(name)") }
        }
    }

    @Test func aManifestWrittenBetweenTheFirstReadAndTheStartIsReconciled() async throws {
        let root = FileManager.default.temporaryDirectory.path + "/tresor-reload-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manifests = root + "/m"
        try FileManager.default.createDirectory(atPath: manifests, withIntermediateDirectories: true)
        try profile(vault: root + "/vault", qps: 100).write(toFile: manifests + "/profile.yaml", atomically: true, encoding: .utf8)
        try secret("early", value: "reload-early-1").write(toFile: manifests + "/early.yaml", atomically: true, encoding: .utf8)
        let health = DaemonHealth()
        let controller = try DaemonController(
            configuration: DaemonConfiguration(paths: [manifests], stateDirectory: root + "/state", environment: [:]),
            metrics: DaemonMetrics(), health: health, logger: DaemonLogging.logger("test", format: .text, level: .critical))
        // The controller has read the manifests; this file comes after that read and before
        // the start, as a file does that lands while a daemon of many secrets starts.
        try secret("late", value: "reload-late-1").write(toFile: manifests + "/late.yaml", atomically: true, encoding: .utf8)
        try await controller.start()
        let store = try StateStore(root: root + "/state")
        let vault = try LocalAdapter(directory: root + "/vault", keyFile: store.localKeyPath)
        try await whileRunning(controller) {
            try await eventually("the late secret to be created", timeout: .seconds(300)) { try await vault.readMetadata(at: "late") != nil }
            #expect(try await vault.readMetadata(at: "early") != nil)
        }
    }
}
