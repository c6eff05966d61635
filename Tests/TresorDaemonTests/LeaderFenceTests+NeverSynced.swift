import Foundation
import Testing
import TresorCore
import TresorDaemon
import TresorEngine
import TresorTestSupport
import TresorVaults

/// A daemon on the etcd store asks the store, not the state directory, which secrets were
/// never synced: after a first full pass, a restart puts none of them in the priority lane.
extension LeaderFenceTests {
    @Test func aRestartOnEtcdPutsNoSyncedSecretInThePriorityLane() async throws {
        let root = FileManager.default.temporaryDirectory.path + "/tresor-never-synced-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/m", withIntermediateDirectories: true)
        var text = """
            apiVersion: tresor.dev/v1alpha1
            kind: VaultProfile
            metadata: {name: loc}
            spec: {provider: {local: {path: \(root)/vault, keyFile: \(root)/vault.key}}}

            """
        for index in 0..<12 {
            text += """
                ---
                apiVersion: tresor.dev/v1alpha1
                kind: Secret
                metadata: {name: s\(index)}
                spec: {type: apiKey, vaultProfile: loc, content: {content: {generate: {length: 24}}}}

                """
        }
        try text.write(toFile: root + "/m/all.yaml", atomically: true, encoding: .utf8)
        var configuration = DaemonConfiguration(paths: [root + "/m"], stateDirectory: root + "/state", workers: 1, environment: [:])
        configuration.etcd = EtcdStateStore(client: cluster.client(), prefix: "/never-synced-" + UUID().uuidString.lowercased())
        let logger = DaemonLogging.logger("test", format: .text, level: .critical)

        try await DaemonPriorityLaneTests.syncOnce(configuration)
        let store = try #require(configuration.etcd)
        #expect(try await offloaded { try store.client.count(prefix: store.statusPrefix) } == 12)

        // The restart's first vault call is held: by then every secret is queued.
        let gated = DaemonPriorityLaneTests.GatedAdapter(try LocalAdapter(directory: root + "/vault", keyFile: root + "/vault.key"))
        let metrics = DaemonMetrics()
        let controller = try DaemonController(
            configuration: configuration, metrics: metrics, health: DaemonHealth(), logger: logger,
            makeRegistry: { _, _, _ in VaultRegistry(adapters: ["loc": gated]) })
        try await controller.start()
        try await eventually("the restart's first vault call", timeout: .seconds(300)) { gated.order.count == 1 }
        let exposition = try PrometheusText(metrics.exposition())
        #expect(try exposition.value("tresor_queue_priority_depth") == 0, "synced secrets were queued as never synced")
        gated.open()
        await controller.stop()
        await controller.waitForWorkers()
    }
}
