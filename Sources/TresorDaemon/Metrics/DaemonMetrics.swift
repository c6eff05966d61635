import CoreMetrics
import Foundation
import Prometheus
import TresorCore
import TresorVaults

/// Everything the daemon counts, through swift-metrics onto a Prometheus registry of its
/// own (no global metrics system, so several daemons can live in one test process).
public final class DaemonMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let states = LockedBox(Tally<SecretState>())
    private let compliance = LockedBox(Tally<ComplianceOverall>())
    private let profiles = LockedBox<VaultRequestAttribution>(VaultRequestAttribution([:]))
    private let backingOff = LockedBox<Set<String>>([])

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["tresor_reconcile_duration_seconds"] = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30),
        ]
        self.factory = factory
        for state in SecretState.allCases { gauge("tresor_secrets", [("state", state.rawValue)]).record(0) }
        gauge("tresor_pending_approvals").record(0)
        gauge("tresor_queue_depth").record(0)
        gauge("tresor_secrets_backing_off").record(0)
        gauge("tresor_manifests_valid").record(1)
        gauge("tresor_ready").record(0)
        counter("tresor_manifest_load_errors_total").increment(by: 0)
        gauge(
            "tresor_build_info",
            [("version", BuildInfo.version), ("commit", BuildInfo.gitCommit), ("swift", BuildInfo.swiftVersion)]
        ).record(1)
    }

    /// One finished pass over one secret. `result` is success, failure or refused.
    public func reconciled(result: String, duration: Duration) {
        counter("tresor_reconciles_total", [("result", result)]).increment()
        CoreMetrics.Timer(label: "tresor_reconcile_duration_seconds", dimensions: [], factory: factory).record(duration: duration)
    }

    /// Keys waiting, and of those the changed or never-synced ones served first.
    public func queueDepth(_ depth: Int, priority: Int) {
        gauge("tresor_queue_depth").record(depth)
        gauge("tresor_queue_priority_depth").record(priority)
    }

    /// Records a secret's state after a pass (nil once it is pruned).
    public func secretState(_ name: String, _ state: SecretState?) {
        guard let changed = states.withLock({ $0.set(name, state) }) else { return }
        for state in SecretState.allCases { gauge("tresor_secrets", [("state", state.rawValue)]).record(changed[state] ?? 0) }
        gauge("tresor_pending_approvals").record(changed[.pendingApproval] ?? 0)
    }

    /// Records a secret's overall compliance result after a pass (nil: no profile, or pruned).
    public func secretCompliance(_ name: String, _ result: ComplianceOverall?) {
        guard let changed = compliance.withLock({ $0.set(name, result) }) else { return }
        for result in ComplianceOverall.allCases {
            gauge("tresor_secrets_compliance", [("result", result.rawValue)]).record(changed[result] ?? 0)
        }
    }

    public func backoff(_ name: String, active: Bool) {
        let count = backingOff.withLock { set in
            if active { set.insert(name) } else { set.remove(name) }
            return set.count
        }
        gauge("tresor_secrets_backing_off").record(count)
    }

    /// `run --dry-run`: what a pass would change for `secret`, by action (every action
    /// reported, zero when none, so a change that went away reads 0).
    public func pendingChanges(_ secret: String, _ counts: [String: Int]) {
        for action in ["create", "update", "adopt", "move", "delete", "release", "blocked"] {
            gauge("tresor_pending_changes", [("secret", secret), ("action", action)]).record(counts[action] ?? 0)
        }
    }

    public func manifestLoad(valid: Bool) {
        gauge("tresor_manifests_valid").record(valid ? 1 : 0)
        if !valid { counter("tresor_manifest_load_errors_total").increment() }
    }

    /// This replica leads (1) or stands by (0); counts each change.
    public func leader(_ leading: Bool, transition: Bool) {
        gauge("tresor_leader").record(leading ? 1 : 0)
        counter("tresor_leader_transitions_total").increment(by: transition ? 1 : 0)
    }

    public func ready() {
        readiness(true)
    }

    /// `tresor_ready`: 1 while `/readyz` answers 200.
    public func readiness(_ ready: Bool) {
        gauge("tresor_ready").record(ready ? 1 : 0)
    }

    /// The vault profiles requests are attributed to (by URL).
    public func vaultProfiles(_ declared: [String: VaultProfile]) {
        profiles.withLock { $0 = VaultRequestAttribution(declared) }
    }

    /// The HTTP client's hook: one count per attempt, by profile, operation and status.
    public func vaultRequest(_ entry: HTTPRequestLogEntry) {
        let (profile, operation) = profiles.withLock { ($0.profile(for: entry.url), $0.operation(entry.method, url: entry.url)) }
        let status = entry.status.map(String.init) ?? "error"
        counter(
            "tresor_vault_requests_total", [("profile", profile ?? "unknown"), ("operation", operation), ("code", status)]
        ).increment()
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> String {
        registry.emitToString()
    }

    private func counter(_ label: String, _ dimensions: [(String, String)] = []) -> CoreMetrics.Counter {
        CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory)
    }

    private func gauge(_ label: String, _ dimensions: [(String, String)] = []) -> CoreMetrics.Gauge {
        CoreMetrics.Gauge(label: label, dimensions: dimensions, factory: factory)
    }
}

/// Each secret's value of something (its state, its compliance result) and how many
/// secrets have each value.
struct Tally<Value: Hashable & Sendable>: Sendable {
    private var values: [String: Value] = [:]
    private var counts: [Value: Int] = [:]

    /// Sets `name`'s value (nil: it has none); the counts when they changed, else nil.
    mutating func set(_ name: String, _ value: Value?) -> [Value: Int]? {
        let before = values[name]
        guard before != value else { return nil }
        values[name] = value
        if let before { counts[before, default: 0] -= 1 }
        if let value { counts[value, default: 0] += 1 }
        return counts
    }
}

/// A value behind a lock.
final class LockedBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<T>(_ body: (inout Value) -> T) -> T {
        lock.withLock { body(&value) }
    }
}
