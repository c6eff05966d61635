import Foundation

/// `make bench BENCH_SCALE=N`: validate, apply, no-change plan and apply, and the daemon's
/// resync, at 1,000, 10,000 and N secrets on the local vault, then the cost per secret at
/// each size and how it grows. Each size runs in a process of its own (its figures go
/// to `scale-<size>.figures` under the root), so every peak memory is that size's.
func scaleBenchmark(root: URL, scale: Int) throws {
    let sizes = [1_000, 10_000, scale].reduce(into: [Int]()) { sizes, size in if !sizes.contains(size) { sizes.append(size) } }.sorted()
    let this = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? arguments[0]
    for size in sizes {
        fflush(nil)
        let child = runMeasured(this, ["--only", "scale-size", "--count", "\(size)", "--root", root.path, "--tresor", tresorBinary], output: nil)
        guard child.status == 0 else {
            print("the scale benchmark at \(size.formatted()) secrets exited \(child.status)")
            exit(1)
        }
    }
    // Removed only now: on ext4 without a journal, creating files is several times slower
    // for up to five minutes after many were deleted nearby (the inode allocator skips
    // recently freed inodes, `recently_deleted` in a profile), so deleting the 10,000
    // step's ~40,000 files slowed the 100,000 step's first apply that followed (57 s
    // against 44 s alone).
    for size in sizes { try? FileManager.default.removeItem(at: root.appendingPathComponent("scale-\(size)")) }
    let figures = try sizes.map { try ScaleFigures.read(root.appendingPathComponent("scale-\($0).figures")) }
    printGrowth(sizes: sizes, figures: figures)
}

/// One size: the commands, then the daemon in this process.
func scaleSizeBenchmark(root: URL) async throws {
    guard let count = argument("--count").flatMap(Int.init) else {
        print("scale-size needs --count N")
        exit(2)
    }
    let base = root.appendingPathComponent("scale-\(count)")
    let manifests = base.appendingPathComponent("manifests")
    let secretFile = base.appendingPathComponent("url-secret").path
    // The manifests and the file their `fromFile` reads live in one repository, as in a
    // team's git checkout: otherwise every one of its secrets is warned about (validate).
    try FileManager.default.createDirectory(at: base.appendingPathComponent(".git"), withIntermediateDirectories: true)
    try "https://db.internal/bench".write(toFile: secretFile, atomically: true, encoding: .utf8)
    try generateManifests(count: count, in: manifests, secretFile: secretFile)
    let state = base.appendingPathComponent("state").path
    let large = count >= 100_000
    let size = "\(count.formatted()) Secrets"
    print("-- \(count.formatted()) Secrets")

    var figures = ScaleFigures()
    let validate = command("validate", ["validate", manifests.path], expect: 0)
    report("tresor validate, \(size)", seconds: validate.seconds, peakMiB: validate.peakMiB, target: large ? "< 5 s, < 512 MiB" : "(reported)")
    let apply = command("first apply", ["apply", "-f", manifests.path, "--state-dir", state], expect: 0)
    report("tresor apply (local vault), \(size)", seconds: apply.seconds, peakMiB: apply.peakMiB, target: large ? "< 60 s, < 512 MiB" : "(reported)")
    figures.record("apply", apply)
    let plan = command("no-change plan", ["plan", "-f", manifests.path, "--state-dir", state], expect: 0)
    report("tresor plan, no change, \(size)", seconds: plan.seconds, peakMiB: plan.peakMiB, target: large ? "< 10 s, < 512 MiB" : "(reported)")
    figures.record("plan", plan)
    let again = command("no-change apply", ["apply", "-f", manifests.path, "--state-dir", state], expect: 0)
    report("tresor apply, no change, \(size)", seconds: again.seconds, peakMiB: again.peakMiB, target: large ? "< 12 s, < 512 MiB" : "(reported)")
    figures.record("apply-again", again)
    let daemon = try await daemonBenchmark(manifests: manifests, state: state, count: count)
    figures.values["resync.seconds"] = daemon.resyncSeconds
    figures.values["resync.peakMiB"] = daemon.resyncPeakMiB
    figures.values["resync.steadyMiB"] = daemon.steadyMiB
    try figures.write(root.appendingPathComponent("scale-\(count).figures"))
}

/// A size's figures as `name value` lines: simple enough to need no codec.
struct ScaleFigures {
    var values: [String: Double] = [:]

    mutating func record(_ name: String, _ result: (seconds: Double, status: Int32, peakMiB: Double)) {
        values["\(name).seconds"] = result.seconds
        values["\(name).peakMiB"] = result.peakMiB
    }

    func write(_ url: URL) throws {
        try values.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)\n" }.joined().write(to: url, atomically: true, encoding: .utf8)
    }

    static func read(_ url: URL) throws -> ScaleFigures {
        var figures = ScaleFigures()
        for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Double(parts[1]) { figures.values[String(parts[0])] = value }
        }
        return figures
    }
}

/// Time (µs) and peak memory (KiB) per secret at each size, and the largest size's cost
/// against 10,000's (target: at most 1.3×).
private func printGrowth(sizes: [Int], figures: [ScaleFigures]) {
    print(String(repeating: "-", count: 100))
    print("cost per secret" + sizes.map { "at \($0.formatted())".rightAligned(to: 22) }.joined() + "   largest / 10,000")
    for (label, key) in [("first apply", "apply"), ("no-change plan", "plan"), ("no-change apply", "apply-again"), ("daemon resync", "resync")] {
        for (unit, field, scale) in [("µs", "seconds", 1e6), ("KiB", "peakMiB", 1024.0)] {
            let perSecret = zip(sizes, figures).map { size, figure in (figure.values["\(key).\(field)"] ?? .nan) * scale / Double(size) }
            let cells = perSecret.map { String(format: "%19.1f ", $0) + unit.padded(to: 3) }.joined()
            var ratio = ""
            if let tenThousand = sizes.firstIndex(of: 10_000), sizes.last! > 10_000 {
                let growth = perSecret.last! / perSecret[tenThousand]
                ratio = String(format: "   %5.2f× ", growth) + (growth <= 1.3 ? "(≤ 1.3)" : "(OVER 1.3)")
            }
            print(label.padded(to: 15) + cells + ratio)
        }
    }
}
