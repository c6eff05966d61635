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

/// What the daemon benchmark measured, for the scale benchmark's growth table.
struct DaemonFigures {
    var resyncSeconds: Double
    var resyncPeakMiB: Double
    var steadyMiB: Double
}

/// `tresor run` in process over `count` applied secrets on the local vault: the full drift
/// resync at start with nothing changed (vault calls counted), manifest edits made while
/// that resync runs, then 100 edits once it is over, each timed from the file's rename
/// into place to the vault write.
@discardableResult
func daemonBenchmark(manifests: URL, state: String, count: Int) async throws -> DaemonFigures {
    let store = try StateStore(root: state)
    let local = try LocalAdapter(directory: store.localVaultDirectory(profile: "bench-local"), keyFile: store.localKeyPath)
    let counting = CountingAdapter(local)
    let metrics = DaemonMetrics()
    let health = DaemonHealth()
    let controller = try DaemonController(
        configuration: DaemonConfiguration(paths: [manifests.path], stateDirectory: state),
        metrics: metrics, health: health, logger: DaemonLogging.logger("bench", format: .text, level: .error),
        makeRegistry: { _, _, _ in VaultRegistry(adapters: ["bench-local": counting]) })
    let basicAuth = count / 4  // the secrets whose index % 4 == 0
    let editor = ManifestEditor(manifests: manifests, counting: counting)

    let start = ContinuousClock.now
    try await controller.start()
    // Edits of secrets the resync has not reached yet or has passed, each in its own file.
    var during: [Double] = []
    while !health.isReady, during.count < 100 {
        let index = (during.count * 397 + 1) % basicAuth * 4
        guard let latency = try await editor.edit(secret: index, to: "app-during-\(during.count)", until: { health.isReady }) else { break }
        during.append(latency)
    }
    while !health.isReady { try await Task.sleep(for: .milliseconds(5)) }
    let resync = ContinuousClock.now - start
    let resyncPeak = peakMemoryMiB()
    let counts = counting.counts
    report(
        "daemon: full drift resync, no change, \(count.formatted()) Secrets", seconds: resync.seconds, peakMiB: resyncPeak,
        target: count >= 100_000 ? "< 20 s, writes 0" : "writes 0")
    print("  (vault reads: \(counts.metadataReads) metadata, \(counts.reads) content; vault writes: \(counts.writes), \(during.count) of them edits)")
    guard counts.writes == during.count else {
        print("the drift resync wrote \(counts.writes - during.count) times with nothing changed")
        exit(1)
    }
    if !during.isEmpty {
        printLatencies("daemon: manifest write -> vault write, \(during.count) edits during the resync", during)
    }

    var after: [Double] = []
    for edit in 0..<100 {
        let index = (edit * 397) % basicAuth * 4
        guard let latency = try await editor.edit(secret: index, to: "app-edit-\(edit)", until: { false }) else { break }
        after.append(latency)
        // Let the pass record its status before the next edit.
        try await Task.sleep(for: .milliseconds(50))
    }
    printLatencies("daemon: manifest write -> vault write, 100 edits", after)
    let steady = residentMiB()
    print(String(format: "  (resident memory after the edits: %.1f MiB%@)", steady, count >= 100_000 ? "; target < 400 MiB" : ""))
    await controller.stop()
    await controller.waitForWorkers()
    return DaemonFigures(resyncSeconds: resync.seconds, resyncPeakMiB: resyncPeak, steadyMiB: steady)
}

func printLatencies(_ name: String, _ milliseconds: [Double]) {
    let sorted = milliseconds.sorted()
    let p50 = sorted[sorted.count / 2]
    let p99 = sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.99).rounded(.up)) - 1)]
    print(name.padded(to: 52) + String(format: " p50 %6.1f ms  p99 %6.1f ms   target p50 < 100 ms, p99 < 500 ms", p50, p99))
    fflush(nil)
}

/// Rewrites one basicAuth secret's username and times the rename into place to its vault write.
struct ManifestEditor {
    let manifests: URL
    let counting: CountingAdapter

    /// Milliseconds from the rename to the write; nil when `stop` said to give up before
    /// the edit was made. A write that never comes (30 s) ends the benchmark.
    func edit(secret index: Int, to username: String, until stop: () -> Bool) async throws -> Double? {
        let file = manifests.appendingPathComponent("team-\(index % 100)/secret-\(index).yaml")
        let path = "apps/team-\(index % 100)/secret-\(index)"
        let text = try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("    username: ") ? "    username: \(username)" : String($0) }
            .joined(separator: "\n")
        let before = counting.writtenAt(path)
        if stop() { return nil }
        let written = ContinuousClock.now
        try text.write(to: file, atomically: true, encoding: .utf8)
        let deadline = written + .seconds(30)
        while counting.writtenAt(path) == before, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(1)) }
        guard let landed = counting.writtenAt(path), landed != before else {
            print("the edit of secret-\(index) never reached the vault")
            exit(1)
        }
        return (landed - written).seconds * 1000
    }
}

/// Resident memory of this process now, in MiB (not its peak).
func residentMiB() -> Double {
    guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
        let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
    else { return 0 }
    return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
