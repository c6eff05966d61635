import Foundation
import Synchronization
import Testing
import TresorCore
import TresorDaemon
import TresorEngine
import TresorTestSupport
import TresorVaults

/// A manifest edit made while a full resync is running is served before the secrets the
/// resync has not reached: it goes to the priority lane, not to the back of the pass.
struct DaemonPriorityLaneTests {
    /// Holds every vault call until opened, and records which path each call was for.
    final class GatedAdapter: VaultAdapter {
        let inner: any VaultAdapter
        private let state = Mutex<(open: Bool, waiting: [CheckedContinuation<Void, Never>], calls: [String])>((false, [], []))

        init(_ inner: any VaultAdapter) {
            self.inner = inner
        }

        /// The paths in the order they were first asked for.
        var order: [String] {
            state.withLock { state in state.calls.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } } }
        }

        func open() {
            let waiting = state.withLock { state in
                state.open = true
                defer { state.waiting.removeAll() }
                return state.waiting
            }
            for waiter in waiting { waiter.resume() }
        }

        private func pass(_ path: String) async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let go = state.withLock { state in
                    state.calls.append(path)
                    if !state.open { state.waiting.append(continuation) }
                    return state.open
                }
                if go { continuation.resume() }
            }
        }

        var capabilities: VaultCapabilities { inner.capabilities }

        func readMetadata(at path: String) async throws -> VaultEntryMetadata? {
            await pass(path)
            return try await inner.readMetadata(at: path)
        }

        func read(at path: String, version: String?) async throws -> VaultEntry? {
            await pass(path)
            return try await inner.read(at: path, version: version)
        }

        func write(at path: String, content: [String: SecretValue], mark: OwnershipMark, expected: ExpectedVersion) async throws
            -> VaultEntryMetadata
        {
            await pass(path)
            return try await inner.write(at: path, content: content, mark: mark, expected: expected)
        }

        func delete(at path: String) async throws {
            await pass(path)
            try await inner.delete(at: path)
        }

        func listManaged() async throws -> [VaultEntryMetadata] { try await inner.listManaged() }
    }

    func manifests(lastLength: Int) -> String {
        var text = """
            apiVersion: tresor.dev/v1alpha1
            kind: VaultProfile
            metadata: {name: loc}
            spec: {provider: {local: {}}}

            """
        for index in 0..<30 {
            let name = String(format: "s%02d", index)
            text += """
                ---
                apiVersion: tresor.dev/v1alpha1
                kind: Secret
                metadata: {name: \(name)}
                spec:
                  type: apiKey
                  vaultProfile: loc
                  path: app/\(name)
                  content: {content: {generate: {length: \(index == 29 ? lastLength : 24)}}}

                """
        }
        return text
    }

    /// A daemon started and stopped once its first full pass is done.
    static func syncOnce(_ configuration: DaemonConfiguration) async throws {
        let logger = DaemonLogging.logger("test", format: .text, level: .critical)
        let first = DaemonHealth()
        let setup = try DaemonController(configuration: configuration, metrics: DaemonMetrics(), health: first, logger: logger)
        try await setup.start()
        // Generous bounds: in the full suite, tests that hold the shared threads slow a pass down.
        try await eventually("the first full pass", timeout: .seconds(300)) { first.isReady }
        await setup.stop()
        await setup.waitForWorkers()
    }

    @Test func anEditDuringAFullResyncIsServedBeforeTheSecretsTheResyncHasNotReached() async throws {
        let root = FileManager.default.temporaryDirectory.path + "/tresor-priority-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let file = root + "/m/all.yaml"
        try FileManager.default.createDirectory(atPath: root + "/m", withIntermediateDirectories: true)
        try manifests(lastLength: 24).write(toFile: file, atomically: true, encoding: .utf8)
        let configuration = DaemonConfiguration(paths: [root + "/m"], stateDirectory: root + "/state", workers: 1, environment: [:])
        let logger = DaemonLogging.logger("test", format: .text, level: .critical)

        // Every secret synced once, so that none is never-synced (those go first anyway).
        try await Self.syncOnce(configuration)

        // The full pass at start goes in name order; its first vault call is held.
        let store = try StateStore(root: root + "/state")
        let gated = GatedAdapter(
            try LocalAdapter(directory: store.localVaultDirectory(profile: "loc"), keyFile: store.localKeyPath))
        let metrics = DaemonMetrics()
        let controller = try DaemonController(
            configuration: configuration, metrics: metrics, health: DaemonHealth(), logger: logger,
            makeRegistry: { _, _, _ in VaultRegistry(adapters: ["loc": gated]) })
        try await controller.start()
        try await eventually("the resync's first vault call", timeout: .seconds(300)) { gated.order == ["app/s00"] }

        try manifests(lastLength: 32).write(toFile: file, atomically: true, encoding: .utf8)
        try await eventually("the edited secret queued in the priority lane", timeout: .seconds(300)) {
            try PrometheusText(metrics.exposition()).value("tresor_queue_priority_depth") == 1
        }
        gated.open()
        try await eventually("the resync's end", timeout: .seconds(300)) { gated.order.count == 30 }
        await controller.stop()
        await controller.waitForWorkers()

        #expect(Array(gated.order.prefix(3)) == ["app/s00", "app/s29", "app/s01"])
        #expect(try store.readStatus("s29")?.versions.count == 2, "the edit was written")
    }
}
