import Foundation
import TresorCore

/// Every seed of the Manifest fuzz target grown to just under 1 MiB (as `Fuzz/run.sh`
/// grows them) and loaded by the release build: the bound the fuzz build, ten times
/// slower under its instrumentation, checks only loosely.
func largeManifestBenchmark(root: URL) throws {
    let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus/Manifest")
    let seeds = try FileManager.default.contentsOfDirectory(at: corpus, includingPropertiesForKeys: nil).sorted { $0.path < $1.path }
    var slowest = (seconds: 0.0, name: "")
    for seed in seeds {
        let bytes = try [UInt8](Data(contentsOf: seed))
        guard !bytes.isEmpty else { continue }
        var grown: [UInt8] = []
        grown.reserveCapacity(1_048_575)
        while grown.count < 1_048_575 { grown += bytes }
        grown.removeLast(grown.count - 1_048_575)
        // CPU time of every thread (the loader parses on all cores): never less than the wall time on idle cores.
        let before = cpuSeconds()
        _ = ManifestLoader().load([ManifestFile(path: "grown.yaml", bytes: grown)])
        let spent = cpuSeconds() - before
        if spent > slowest.seconds { slowest = (spent, seed.lastPathComponent) }
    }
    report(
        "load \(seeds.count) manifest seeds grown to 1 MiB, slowest", seconds: slowest.seconds, peakMiB: peakMemoryMiB(),
        target: "< 1 s of CPU each")
    print("  (slowest: \(slowest.name))")
}
