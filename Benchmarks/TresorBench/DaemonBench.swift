import Foundation
import Synchronization
import TresorCore
import TresorDaemon
import TresorEngine
import TresorVaults

/// Counts vault calls and remembers when each path was last written.
final class CountingAdapter: VaultAdapter {
    let inner: any VaultAdapter
    private let state = Mutex<(reads: Int, metadataReads: Int, writes: Int, written: [String: ContinuousClock.Instant])>((0, 0, 0, [:]))

    init(_ inner: any VaultAdapter) {
        self.inner = inner
    }

    var counts: (reads: Int, metadataReads: Int, writes: Int) { state.withLock { ($0.reads, $0.metadataReads, $0.writes) } }
    func writtenAt(_ path: String) -> ContinuousClock.Instant? { state.withLock { $0.written[path] } }

    var capabilities: VaultCapabilities { inner.capabilities }

    func readMetadata(at path: String) async throws -> VaultEntryMetadata? {
        state.withLock { $0.metadataReads += 1 }
        return try await inner.readMetadata(at: path)
    }

    func read(at path: String, version: String?) async throws -> VaultEntry? {
        state.withLock { $0.reads += 1 }
        return try await inner.read(at: path, version: version)
    }

    func write(at path: String, content: [String: SecretValue], mark: OwnershipMark, expected: ExpectedVersion) async throws
        -> VaultEntryMetadata
    {
        let result = try await inner.write(at: path, content: content, mark: mark, expected: expected)
        let now = ContinuousClock.now
        state.withLock {
            $0.writes += 1
            $0.written[path] = now
        }
        return result
    }

    func delete(at path: String) async throws { try await inner.delete(at: path) }
    func listManaged() async throws -> [VaultEntryMetadata] { try await inner.listManaged() }
}

/// `tresor run` in process over 10,000 applied secrets on the local vault: one full drift
/// resync with nothing changed (vault calls counted), then 100 manifest edits, each timed
/// from the file's rename into place to the vault write.
func daemonBenchmark(manifests: URL, state: String) async throws {
    let store = try StateStore(root: state)
    let local = try LocalAdapter(directory: store.localVaultDirectory(profile: "bench-local"), keyFile: store.localKeyPath)
    let counting = CountingAdapter(local)
    let metrics = DaemonMetrics()
    let health = DaemonHealth()
    let controller = try DaemonController(
        configuration: DaemonConfiguration(paths: [manifests.path], stateDirectory: state),
        metrics: metrics, health: health, logger: DaemonLogging.logger("bench", format: .text, level: .error),
        makeRegistry: { _, _, _ in VaultRegistry(adapters: ["bench-local": counting]) })

    let start = ContinuousClock.now
    try await controller.start()
    while !health.isReady { try await Task.sleep(for: .milliseconds(5)) }
    let resync = ContinuousClock.now - start
    let counts = counting.counts
    report(
        "daemon: full drift resync, no change, 10,000 Secrets", seconds: resync.seconds, peakMiB: peakMemoryMiB(),
        target: "writes 0")
    print("  (vault reads: \(counts.metadataReads) metadata, \(counts.reads) content; vault writes: \(counts.writes))")
    guard counts.writes == 0 else {
        print("the drift resync wrote \(counts.writes) times with nothing changed")
        exit(1)
    }

    var latencies: [Double] = []
    for edit in 0..<100 {
        let index = (edit * 397) % 2_500 * 4  // basicAuth secrets: index % 4 == 0
        let file = manifests.appendingPathComponent("team-\(index % 100)/secret-\(index).yaml")
        let path = "apps/team-\(index % 100)/secret-\(index)"
        let text = try String(contentsOf: file, encoding: .utf8)
            .replacingOccurrences(of: "username: app\n", with: "username: app-edit-\(edit)\n")
        let before = counting.writtenAt(path)
        let written = ContinuousClock.now
        try text.write(to: file, atomically: true, encoding: .utf8)
        let deadline = written + .seconds(30)
        while counting.writtenAt(path) == before, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(1)) }
        guard let landed = counting.writtenAt(path), landed != before else {
            print("edit \(edit) of secret-\(index) never reached the vault")
            exit(1)
        }
        latencies.append((landed - written).seconds * 1000)
        // Let the pass record its status before the next edit.
        try await Task.sleep(for: .milliseconds(50))
    }
    latencies.sort()
    let p50 = latencies[latencies.count / 2]
    let p99 = latencies[min(latencies.count - 1, Int((Double(latencies.count) * 0.99).rounded(.up)) - 1)]
    print(
        String(
            format: "%-52@ p50 %6.1f ms  p99 %6.1f ms   target p50 < 100 ms, p99 < 500 ms",
            "daemon: manifest write -> vault write, 100 edits" as NSString, p50, p99))
    await controller.stop()
    await controller.waitForWorkers()
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
