import Foundation
import TresorCore
import TresorEngine

#if canImport(Glibc)
    import Glibc
#endif

// Benchmarks for `make bench`: each prints wall time and peak memory against its target.
// Each runs in a process of its own (this program again, with `--only NAME`), so that the
// peak memory it reports is its own, not the highest of the benchmarks before it.

let arguments = CommandLine.arguments
func argument(_ flag: String) -> String? { arguments.firstIndex(of: flag).map { arguments[$0 + 1] } }
let tresorBinary = argument("--tresor") ?? ".build/release/tresor"

/// Peak resident memory of this process so far, in MiB.
func peakMemoryMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// User and system CPU time of this process so far, all threads.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Runs a command and returns its wall time, exit status and peak memory (MiB); its
/// standard output goes to `output` (nil: this program's).
/// The peak is the child's ru_maxrss, which Linux takes at least as high as this process's
/// own peak when the child was started (the address space it left at exec): measure a
/// command before this process holds much.
func runMeasured(_ executable: String, _ args: [String], output: String? = "/dev/null") -> (seconds: Double, status: Int32, peakMiB: Double) {
    var pid: pid_t = 0
    let argv = ([executable] + args).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    if let output { posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600) }
    defer { posix_spawn_file_actions_destroy(&actions) }
    let start = DispatchTime.now().uptimeNanoseconds
    guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else {
        print("cannot start \(executable)")
        exit(1)
    }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return (elapsed, (status >> 8) & 0xff, Double(usage.ru_maxrss) / 1024)
}

/// Runs `tresor` measured (``runMeasured(_:_:output:)``); any exit status but `expect` ends the benchmark.
func command(_ name: String, _ args: [String], expect: Int32) -> (seconds: Double, status: Int32, peakMiB: Double) {
    // Each command timed on its own, not with the kernel's writeback of what the one
    // before wrote: a no-change plan of 100,000 secrets straight after their first apply
    // took 12.9 s (4.3 s of it system time), and 8.9 s after a sync(2) that took 0.02 s.
    sync()
    let result = runMeasured(tresorBinary, args)
    guard result.status == expect else {
        print("tresor \(name) exited \(result.status); expected \(expect)")
        exit(1)
    }
    return result
}

extension String {
    /// Spaces after the text up to `width` characters (Foundation's `%-52@` ignores the
    /// width on Linux); a longer text is left whole.
    func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    /// Spaces before the text up to `width` characters.
    func rightAligned(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

func report(_ name: String, seconds: Double, peakMiB: Double, target: String) {
    print(name.padded(to: 52) + String(format: " %8.3f s  %7.1f MiB   target ", seconds, peakMiB) + target)
    // Each line as it comes, also into a file: a 100,000-secret run takes many minutes.
    fflush(nil)
}

/// A compliance profile with one rule of every kind the benchmark's secrets can meet.
let benchComplianceProfile = """
    ---
    apiVersion: tresor.dev/v1alpha1
    kind: ComplianceProfile
    metadata: {name: bench-rules}
    spec:
      enforcement: deny
      rules:
        - {name: long, minLength: {min: 24}}
        - {name: classes, characterClasses: {required: [lower, upper, digit]}}
        - {name: types, allowedTypes: {types: [basicAuth, apiKey, secretKey, keyValue]}}
        - {name: aes, secretKeyBits: {min: 256}}
        - {name: rotated, maxAge: {duration: 365d}}
        - {name: owned, requiredLabels: {labels: [team]}}
        - {name: unique, uniqueContent: {}}
        - {name: no-inline, noInlineValues: {}}
    """

/// Writes `count` Secret manifests (one per file, in 100 directories) and their profile,
/// with a compliance profile on the vault profile when `compliance` is set.
func generateManifests(count: Int, in directory: URL, secretFile: String = "/run/secrets/url", compliance: Bool = false) throws {
    let manager = FileManager.default
    try manager.createDirectory(at: directory, withIntermediateDirectories: true)
    try ("""
    apiVersion: tresor.dev/v1alpha1
    kind: VaultProfile
    metadata: {name: bench-local}
    spec:
      provider:
        local: {}
    """ + (compliance ? "\n  complianceProfile: bench-rules\n" + benchComplianceProfile : ""))
        .write(to: directory.appendingPathComponent("profile.yaml"), atomically: true, encoding: .utf8)
    let types: [(String, String)] = [
        ("basicAuth", "    username: app\n    password: {generate: {length: 32}}"),
        ("apiKey", "    content: {fromEnv: API_KEY}"),
        ("secretKey", "    content: {generate: {bits: 256}}"),
        ("keyValue", "    data:\n      url: {fromFile: \(secretFile)}\n      token: {generate: {length: 40}}"),
    ]
    for bucket in 0..<100 {
        try manager.createDirectory(at: directory.appendingPathComponent("team-\(bucket)"), withIntermediateDirectories: true)
    }
    for index in 0..<count {
        let (type, content) = types[index % types.count]
        let text = """
            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata:
              name: secret-\(index)
              labels: {team: team-\(index % 100)}
            spec:
              type: \(type)
              vaultProfile: bench-local
              path: apps/team-\(index % 100)/secret-\(index)
              refreshInterval: 10m
              content:
            \(content)

            """
        try text.write(
            to: directory.appendingPathComponent("team-\(index % 100)/secret-\(index).yaml"), atomically: false, encoding: .utf8)
    }
}

// Load and validate 10,000 Secret manifests.
func loadBenchmark(root: URL) throws {
    let manifests = root.appendingPathComponent("load")
    try generateManifests(count: 10_000, in: manifests)
    var result: LoadResult?
    var found: ManifestFiles.Found?
    let readSeconds = seconds { found = ManifestFiles.read([manifests.path]) }
    let decodeSeconds = seconds { result = ManifestLoader().load(found!.files, preDiagnostics: found!.diagnostics) }
    let loadSeconds = readSeconds + decodeSeconds
    print(String(format: "  (reading 10,001 files %.3f s, parsing and validating %.3f s)", readSeconds, decodeSeconds))
    guard let result, result.isValid, result.state.secrets.count == 10_000 else {
        print("load benchmark produced an invalid result: \(result?.diagnostics.prefix(3).map(\.description) ?? [])")
        exit(1)
    }
    report("load+validate 10,000 Secrets (in process)", seconds: loadSeconds, peakMiB: peakMemoryMiB(), target: "< 1 s, < 200 MiB")
    let cli = command("validate", ["validate", manifests.path, "-o", "json"], expect: 0)
    report("tresor validate 10,000 Secrets (whole command)", seconds: cli.seconds, peakMiB: cli.peakMiB, target: "< 1 s, < 200 MiB")
}

// Apply 10,000 secrets to the local vault, then re-plan with nothing changed.
func applyBenchmark(root: URL) throws {
    let manifests = root.appendingPathComponent("apply")
    let secretFile = root.appendingPathComponent("url-secret").path
    try "https://db.internal/bench".write(toFile: secretFile, atomically: true, encoding: .utf8)
    try generateManifests(count: 10_000, in: manifests, secretFile: secretFile)
    setenv("API_KEY", "bench-api-key-value", 1)
    let state = root.appendingPathComponent("state").path
    let apply = command("apply", ["apply", "-f", manifests.path, "--state-dir", state], expect: 0)
    report("tresor apply 10,000 Secrets (local vault)", seconds: apply.seconds, peakMiB: apply.peakMiB, target: "(reported)")
    let plan = command("plan after apply (nothing to do)", ["plan", "-f", manifests.path, "--state-dir", state], expect: 0)
    report("tresor plan, no change, 10,000 Secrets", seconds: plan.seconds, peakMiB: plan.peakMiB, target: "< 2 s, < 150 MiB")
    let again = command("apply after apply (nothing to do)", ["apply", "-f", manifests.path, "--state-dir", state], expect: 0)
    report("tresor apply, no change, 10,000 Secrets", seconds: again.seconds, peakMiB: again.peakMiB, target: "(reported)")
}

// Open 10,000 sealed values before a run: the preflight of plan, apply and read.
func sealedBenchmark(root: URL) throws {
    let privateKey = (0..<32).map { _ in UInt8.random(in: 0...255) }
    let publicKey = try SealingPublicKey(privateKey: privateKey)
    var text = """
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: bench-local}
        spec: {provider: {local: {}}}

        """
    for index in 0..<10_000 {
        let binding = SealedBinding(kind: .secret, name: "sealed-\(index)", field: "content")
        let sealed = try Sealer.seal(SecretValue("bench-sealed-value-\(index)"), to: publicKey, for: binding).text
        text += "---\napiVersion: tresor.dev/v1alpha1\nkind: Secret\nmetadata: {name: sealed-\(index)}\n"
            + "spec: {type: apiKey, vaultProfile: bench-local, content: {content: {sealed: \"\(sealed)\"}}}\n"
    }
    var result: LoadResult?
    let loadSeconds = seconds { result = ManifestLoader().load([ManifestFile(path: "sealed.yaml", bytes: Array(text.utf8))]) }
    guard let result, result.isValid else {
        print("sealed benchmark manifests are invalid: \(result?.diagnostics.prefix(3).map(\.description) ?? [])")
        exit(1)
    }
    report("load+validate 10,000 sealed values (in process)", seconds: loadSeconds, peakMiB: peakMemoryMiB(), target: "(reported)")
    var sealed = SealedValues(keyring: try SealingKeyring(privateKeys: [privateKey]))
    let cpuBefore = cpuSeconds()
    let openSeconds = try seconds { try sealed.openAll(in: result.state) }
    // Wall time depends on how busy the cores are; CPU time does not.
    print(String(format: "  (opening: %.3f s of CPU time)", cpuSeconds() - cpuBefore))
    report(
        "open 10,000 sealed values before a run (in process)", seconds: openSeconds, peakMiB: peakMemoryMiB(),
        target: "< 1 s on 2 idle cores")
}

// The daemon over the 10,000 secrets the apply benchmark applied: drift resync and edit latency.
func daemonBenchmarkOverApplied(root: URL) async throws {
    try await daemonBenchmark(manifests: root.appendingPathComponent("apply"), state: root.appendingPathComponent("state").path, count: 10_000)
}

// The same 10,000 secrets under a compliance profile (every rule kind they can meet, with
// uniqueContent, which reads every status file once per pass), then re-plan.
func complianceBenchmark(root: URL) throws {
    let manifests = root.appendingPathComponent("compliance")
    let secretFile = root.appendingPathComponent("url-secret").path
    try "https://db.internal/bench".write(toFile: secretFile, atomically: true, encoding: .utf8)
    try generateManifests(count: 10_000, in: manifests, secretFile: secretFile, compliance: true)
    setenv("API_KEY", "bench-API-key-value-0123456789", 1)
    let state = root.appendingPathComponent("state-compliance").path
    let json = root.appendingPathComponent("compliance-apply.json").path
    let apply = runMeasured(tresorBinary, ["apply", "-f", manifests.path, "--state-dir", state, "-o", "json"], output: json)
    // 3: writes held by the profile's deny enforcement; not an error, but say how many.
    guard apply.status == 0 || apply.status == 3 else {
        print("tresor apply under compliance exited \(apply.status)")
        exit(1)
    }
    // The plan runs before this process reads the apply's 10,000-secret report: a child's
    // peak memory (ru_maxrss) counts this process's own peak when it was started, which
    // the report's parsing raised above the plan's (150 MiB against its own 84 MiB).
    let plan = runMeasured(tresorBinary, ["plan", "-f", manifests.path, "--state-dir", state])
    guard let (writes, held) = writesAndHeld(json) else {
        print("tresor apply under compliance printed no readable JSON report")
        exit(1)
    }
    report("tresor apply 10,000 Secrets, compliance profile", seconds: apply.seconds, peakMiB: apply.peakMiB, target: "(reported)")
    print("  (exit \(apply.status): \(writes) writes, \(held) held by the profile's deny rules)")
    // Held writes stay held: plan reports their secrets as blocked (exit 1), else nothing to do (0).
    guard plan.status == (held > 0 ? 1 : 0) else {
        print("tresor plan under compliance exited \(plan.status); expected \(held > 0 ? 1 : 0) with \(held) held")
        exit(1)
    }
    report("tresor plan, no change, 10,000 Secrets, compliance", seconds: plan.seconds, peakMiB: plan.peakMiB, target: "< 2 s, < 150 MiB")
}

/// The writes of an `apply -o json` report, and the targets it held (those with a `reason`).
func writesAndHeld(_ path: String) -> (writes: Int, held: Int)? {
    guard let data = FileManager.default.contents(atPath: path),
        let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
        let writes = document["writes"] as? Int, let secrets = document["secrets"] as? [[String: Any]]
    else { return nil }
    let held = secrets.flatMap { $0["targets"] as? [[String: Any]] ?? [] }.filter { $0["reason"] != nil }.count
    return (writes, held)
}

let benchmarks: [(name: String, run: (URL) async throws -> Void)] = [
    ("load", loadBenchmark), ("apply", applyBenchmark), ("sealed", sealedBenchmark),
    ("daemon", daemonBenchmarkOverApplied), ("webui", webUIBenchmark), ("compliance", complianceBenchmark),
    ("status-codec", statusCodecBenchmark), ("large-manifests", largeManifestBenchmark), ("json-writer", jsonWriterBenchmark),
]

// Every benchmark runs in a process of its own: each needs the manifests' environment.
setenv("API_KEY", "bench-api-key-value", 1)

if let only = argument("--only"), let rootPath = argument("--root") {
    if only == "scale-size" {
        try await scaleSizeBenchmark(root: URL(fileURLWithPath: rootPath))
        exit(0)
    }
    guard let benchmark = benchmarks.first(where: { $0.name == only }) else {
        print("no benchmark \(only); there are \(benchmarks.map(\.name).joined(separator: ", "))")
        exit(2)
    }
    try await benchmark.run(URL(fileURLWithPath: rootPath))
    exit(0)
}

let root = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-bench-\(getpid())")
try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: root) }
print("tresor benchmarks (release build, \(ProcessInfo.processInfo.activeProcessorCount) cores; each in its own process)")
print(String(repeating: "-", count: 100))
if let scale = argument("--scale").flatMap(Int.init), scale > 0 {
    try scaleBenchmark(root: root, scale: scale)
    try? FileManager.default.removeItem(at: root)
    exit(0)
}
let this = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? arguments[0]
for benchmark in benchmarks {
    // What this process printed goes out before the child's lines.
    fflush(nil)
    let child = runMeasured(this, ["--only", benchmark.name, "--root", root.path, "--tresor", tresorBinary], output: nil)
    guard child.status == 0 else {
        print("benchmark \(benchmark.name) exited \(child.status)")
        try? FileManager.default.removeItem(at: root)
        exit(1)
    }
}
