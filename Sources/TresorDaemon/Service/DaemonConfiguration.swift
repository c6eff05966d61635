import Foundation
import TresorCore
import TresorEngine

/// How `tresor run` behaves; every field has the documented default.
public struct DaemonConfiguration: Sendable {
    /// The `-f` paths.
    public var paths: [String]
    public var stateDirectory: String
    /// Secrets reconciled at once (`--workers`).
    public var workers: Int
    /// A burst of file events ends after this much quiet…
    public var debounceQuiet: Duration
    /// …or this long after its first event.
    public var debounceMaxWait: Duration
    public var backoff: Backoff
    public var resync: ResyncSchedule
    public var engine: Engine.Options
    /// Where `fromEnv` values and credentials are looked up.
    public var environment: [String: String]
    /// The private keys that open sealed values (`--sealing-key`).
    public var sealing: SealingKeyring
    /// When `audit.log` rotates (`--audit-max-size`).
    public var auditRotation = AuditRotation()
    /// The state in etcd, shared by replicas that elect one leader; nil: the state directory.
    public var etcd: EtcdStateStore?
    /// Seconds the leader's lease lives without renewal (`--lease-ttl`).
    public var leaseTTL: Int = 10
    /// `run --dry-run`: plan each secret, export the pending changes, write nothing.
    public var dryRun = false

    public init(
        paths: [String], stateDirectory: String, workers: Int = 8, debounceQuiet: Duration = .milliseconds(25),
        debounceMaxWait: Duration = .seconds(2), backoff: Backoff = Backoff(), resync: ResyncSchedule = ResyncSchedule(),
        engine: Engine.Options = Engine.Options(actor: "daemon", requester: .gitops),
        environment: [String: String] = ProcessInfo.processInfo.environment, sealing: SealingKeyring = SealingKeyring()
    ) {
        self.paths = paths
        self.stateDirectory = stateDirectory
        self.workers = workers
        self.debounceQuiet = debounceQuiet
        self.debounceMaxWait = debounceMaxWait
        self.backoff = backoff
        self.resync = resync
        self.engine = engine
        self.environment = environment
        self.sealing = sealing
    }
}

/// The manifests could not be loaded at start: nothing was reconciled.
public struct InvalidManifestsError: Error, CustomStringConvertible {
    public var result: LoadResult
    public var description: String { ValidationReport(result).text() }
}

/// Readiness, shared with the HTTP routes: true once the first full pass is done.
public final class DaemonHealth: Sendable {
    private let readyBox = LockedBox(false)
    private let reasonBox = LockedBox("first full pass still running")

    public init() {}

    /// When set, readiness is asked of it at each request instead (a replica's follows its
    /// election): nil when ready, else why not.
    private let probe = LockedBox<(@Sendable () -> String?)?>(nil)

    public var isReady: Bool {
        if let probe = probe.withLock({ $0 }) { return probe() == nil }
        return readyBox.withLock { $0 }
    }

    /// Why `/readyz` answers 503.
    public var notReadyReason: String {
        if let probe = probe.withLock({ $0 }), let reason = probe() { return reason }
        return reasonBox.withLock { $0 }
    }

    func markReady() { readyBox.withLock { $0 = true } }

    func notReady(because reason: String) { reasonBox.withLock { $0 = reason } }

    func setProbe(_ probe: @escaping @Sendable () -> String?) { self.probe.withLock { $0 = probe } }
}
