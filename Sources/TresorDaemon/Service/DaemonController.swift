import Foundation
import Logging
import TresorCore
import TresorEngine
import TresorVaults

/// The daemon's core: holds the last valid desired state, feeds the work queue (start,
/// file changes, drift resync, backoff retries) and runs the workers that reconcile one
/// secret at a time through the engine.
public actor DaemonController {
    /// Builds the vault adapters for a set of profiles (injected so benchmarks can count
    /// vault calls).
    public typealias RegistryFactory = @Sendable ([String: VaultProfile], StateStore, SealedValues) -> VaultRegistry

    let configuration: DaemonConfiguration
    let clock: DaemonClock
    let metrics: DaemonMetrics
    let health: DaemonHealth
    let logger: Logger
    let store: StateStore
    let ledger: InventoryLedger
    let audit: AuditLog
    let queue: WorkQueue
    let rateLimiter: RateLimiter
    private let makeRegistry: RegistryFactory
    private let fingerprinter: Fingerprinter
    private(set) var desired: DesiredState
    /// `desired` under the rules in force (``RuleGate``): what the workers reconcile.
    private var effective: DesiredState
    /// The last valid desired state (the web page shows labels from it).
    var desiredState: DesiredState { desired }
    private(set) var engine: Engine
    /// The sealed values of `desired`, opened (those of earlier loads are kept, not reopened).
    private var sealed: SealedValues
    /// Made once per desired state: its uniqueness index reads every status file.
    private var compliance: ComplianceSetup
    private var failures: [String: Int] = [:]
    /// Drift resync and backoff retries: when each secret is due again.
    let timers: ResyncTimers
    var initialPending: Set<String> = []
    private var workers: [Task<Void, Never>] = []
    private let watcher: ManifestWatcher
    private let changeRelay: ChangeRelay
    private(set) var suspensionWatch: SuspensionWatch?
    private var debouncer: Debouncer?
    /// Secrets whose status says their manifest file does not validate.
    private var flagged: Set<String> = []
    /// The secrets each manifest file declares: a partial reload finds those of the files
    /// it re-reads without walking every secret (100,000 of them make that the cost of an edit).
    private var secretsByFile: [String: Set<String>]
    /// The last reload did not validate: the next one re-reads every file.
    private var lastLoadInvalid = false
    private var stopping = false

    /// Loads the manifests, opens their sealed values and the state directory; throws
    /// `InvalidManifestsError` when the manifests do not validate and
    /// `SealedValues.OpenError` when a sealed value cannot be opened.
    public init(
        configuration: DaemonConfiguration, clock: DaemonClock = .system, metrics: DaemonMetrics, health: DaemonHealth,
        logger: Logger, makeRegistry: RegistryFactory? = nil
    ) throws {
        var store = try configuration.etcd.map { try StateStore(root: configuration.stateDirectory, etcd: $0) }
            ?? StateStore(root: configuration.stateDirectory)
        store.auditRotation = configuration.auditRotation
        // Watching starts before the first read, so a file written between that read and
        // `start()` is an event (read at start), not a secret the daemon never sees.
        let changeRelay = ChangeRelay()
        let watch = Result {
            try ManifestWatcher(paths: configuration.paths, skipping: [configuration.stateDirectory]) { changeRelay.forward($0) }
        }
        let result = Self.loadManifests(configuration)
        guard result.isValid else { throw InvalidManifestsError(result: result) }
        self.watcher = try watch.get()
        self.changeRelay = changeRelay
        var sealed = SealedValues(keyring: configuration.sealing)
        try sealed.openAll(in: result.state)
        self.configuration = configuration
        self.clock = clock
        self.metrics = metrics
        self.health = health
        self.logger = logger
        self.store = store
        self.ledger = try InventoryLedger(store: store)
        self.audit = try store.auditLog()
        let queue = WorkQueue(onDepthChange: { [metrics] in metrics.queueDepth($0, priority: $1) })
        self.queue = queue
        self.timers = ResyncTimers(clock: clock) { keys in await queue.add(keys) }
        self.rateLimiter = RateLimiter(clock: clock)
        let environment = configuration.environment
        let http = CurlHTTPClient(configuration: .init(logger: { [metrics] in metrics.vaultRequest($0) }))
        let factory: RegistryFactory = makeRegistry ?? { profiles, store, sealed in
            VaultRegistry(profiles: profiles, store: store, http: http, environment: environment, sealed: sealed)
        }
        let fingerprinter = try store.fingerprinter()
        self.makeRegistry = factory
        self.fingerprinter = fingerprinter
        self.desired = result.state
        self.secretsByFile = Self.secretsByFile(result.state)
        self.sealed = sealed
        let engine = Engine(
            store: store, registry: factory(result.state.vaultProfiles, store, sealed), fingerprinter: fingerprinter,
            resolver: ValueResolver(environment: environment, sealed: sealed), options: configuration.engine)
        self.engine = engine
        let effective = try engine.ruleGate.resolve(result.state, now: clock.date(), write: !configuration.dryRun, audit: audit).effective
        self.effective = effective
        self.compliance = ComplianceSetup.make(effective, store: store)
    }

    /// Every file parsed again: partial reloads (most edits) re-read only their files, and
    /// keeping every file's tree for the others cost more memory than the daemon's state.
    nonisolated static func loadManifests(_ configuration: DaemonConfiguration) -> LoadResult {
        let found = ManifestFiles.read(configuration.paths, skipping: [configuration.stateDirectory])
        return ManifestLoader(environment: configuration.environment).load(found.files, preDiagnostics: found.diagnostics)
    }

    /// The full pass at start (every declared secret, and removed ones unless the
    /// mass-delete guard refuses), then the workers and the watcher.
    public func start() async throws {
        metrics.vaultProfiles(desired.vaultProfiles)
        await rateLimiter.configure(desired.vaultProfiles)
        // A dry run records nothing, not even the inventory.
        if !configuration.dryRun { try engine.register(desired, in: ledger) }
        var keys = Array(desired.secrets.keys)
        let removed = engine.removedSecrets(desired, ledger: ledger)
        if !removed.isEmpty {
            if let refusal = engine.massDeleteRefusal(desired, ledger: ledger) {
                logger.error("prune refused", metadata: ["reason": "\(refusal)"])
            } else {
                keys += removed
            }
        }
        initialPending = Set(keys)
        if initialPending.isEmpty { markReady() }
        await enqueue(keys)
        for index in 0..<max(configuration.workers, 1) {
            workers.append(Task { [self] in await work(index) })
        }
        debouncer = Debouncer(quiet: configuration.debounceQuiet, maxWait: configuration.debounceMaxWait, clock: clock) {
            [weak self] changes in await self?.reloadManifests(changes)
        }
        changeRelay.handle { [weak self] changes in Task { await self?.noticeChange(changes) } }
        watcher.start()
        suspensionWatch = try SuspensionWatch(suspensions) { [weak self] names in Task { await self?.resumed(names) } }
        logger.info(
            "started", metadata: ["secrets": "\(desired.secrets.count)", "removed": "\(removed.count)", "workers": "\(configuration.workers)"])
    }

    private func noticeChange(_ changes: ManifestChanges) async {
        await debouncer?.notice(changes)
    }

    /// Stops taking work: the watcher, the timers and the queue; in-flight passes finish.
    public func stop() async {
        guard !stopping else { return }
        stopping = true
        watcher.stop()
        suspensionWatch?.stop()
        await queue.shutDown()
        timers.stop()
        logger.info("stopping: finishing in-flight passes")
    }

    /// Returns once every worker has finished its last pass, with the audit log synced.
    public func waitForWorkers() async {
        for worker in workers { await worker.value }
        audit.sync()
        logger.info("stopped")
    }

    // MARK: Manifest changes

    /// Re-reads only the changed files when that is provably the same as a full load,
    /// else every file.
    func reloadManifests(_ changes: ManifestChanges) async {
        guard !stopping else { return }
        // After an invalid load the files changed meanwhile are not all in `changes`.
        if !changes.full, !lastLoadInvalid, let partial = partialLoad(changes.files) {
            await apply(partial)
            return
        }
        let result = Self.loadManifests(configuration)
        await apply(result.isValid ? .valid(result.state) : .invalid(result.errors))
    }

    /// SIGHUP: every manifest file read again, the vault adapters made again so that
    /// credentials files (tokens, keys, CA files) are read again too, and a pass over
    /// every declared secret.
    public func reloadAll() async {
        guard !stopping else { return }
        let result = Self.loadManifests(configuration)
        guard result.isValid else { return await apply(.invalid(result.errors)) }
        await apply(.valid(result.state), renewAdapters: true)
        // A pass over every secret with the new adapters: one that failed or stalled on a
        // credential (a profile whose adapter could not be built) is tried again now.
        await enqueue(desired.secrets.keys.sorted())
    }

    enum Reload {
        case valid(DesiredState)
        /// Only secrets changed, and only those named could have (declared in the files
        /// re-read, before or after).
        case secretsOnly(DesiredState, candidates: Set<String>)
        case invalid([Diagnostic])
    }

    /// `state` with only the secrets named.
    private static func only(_ names: Set<String>, of state: DesiredState) -> DesiredState {
        var subset = state
        subset.secrets = [:]
        for name in names { subset.secrets[name] = state.secrets[name] }
        return subset
    }

    private static func secretsByFile(_ state: DesiredState) -> [String: Set<String>] {
        var index: [String: Set<String>] = [:]
        for (name, secret) in state.secrets { index[secret.origin.location.file, default: []].insert(name) }
        return index
    }

    /// The desired state with only `files` re-read, or nil when a full load is needed:
    /// a file that declares (or declared) a profile, or a secret also declared in another
    /// file (the full load reports the duplicate).
    private func partialLoad(_ files: Set<String>) -> Reload? {
        var profileFiles = Set(desired.vaultProfiles.values.map(\.origin.location.file))
        profileFiles.formUnion(desired.approvalProfiles.values.map(\.origin.location.file))
        profileFiles.formUnion(desired.complianceProfiles.values.map(\.origin.location.file))
        guard files.isDisjoint(with: profileFiles) else { return nil }
        let present = files.filter { FileManager.default.fileExists(atPath: $0) }.sorted()
        // The profile files come along so that references resolve as in a full load.
        let found = ManifestFiles.read(present + profileFiles.sorted(), skipping: [configuration.stateDirectory])
        let result = ManifestLoader(environment: configuration.environment).load(found.files, preDiagnostics: found.diagnostics)
        guard result.isValid else { return .invalid(result.errors) }
        let declaresProfiles =
            result.state.vaultProfiles.values.contains { files.contains($0.origin.location.file) }
            || result.state.approvalProfiles.values.contains { files.contains($0.origin.location.file) }
            || result.state.complianceProfiles.values.contains { files.contains($0.origin.location.file) }
        guard !declaresProfiles else { return nil }
        for secret in result.state.secrets.values {
            if let old = desired.secrets[secret.name], !files.contains(old.origin.location.file) { return nil }
        }
        var state = desired
        var candidates = Set(result.state.secrets.keys)
        for file in files {
            for name in secretsByFile[file] ?? [] {
                state.secrets.removeValue(forKey: name)
                candidates.insert(name)
            }
        }
        for secret in result.state.secrets.values { state.secrets[secret.name] = secret }
        return .secretsOnly(state, candidates: candidates)
    }

    private func apply(_ reload: Reload, renewAdapters: Bool = false) async {
        guard !stopping else { return }
        let new: DesiredState
        var candidates: Set<String>?
        switch reload {
        case .invalid(let errors):
            for diagnostic in errors.prefix(20) {
                logger.error("invalid manifest; keeping the last valid desired state", metadata: ["diagnostic": "\(diagnostic)"])
            }
            flagInvalid(errors)
            lastLoadInvalid = true
            metrics.manifestLoad(valid: false)
            return
        case .valid(let state):
            new = state
        case .secretsOnly(let state, let names):
            new = state
            candidates = names
        }
        var opened = sealed
        do throws(SealedValues.OpenError) {
            // The values of the other secrets are open already, and stay so.
            try opened.openAll(in: candidates.map { Self.only($0, of: new) } ?? new)
        } catch {
            for problem in error.problems.prefix(20) {
                logger.error("sealed value cannot be opened; keeping the last valid desired state", metadata: ["problem": "\(problem)"])
            }
            flagInvalid(error.problems.map { Diagnostic(.error, at: $0.location, "\($0.binding): cannot open the sealed value: \($0.error)") })
            lastLoadInvalid = true
            metrics.manifestLoad(valid: false)
            return
        }
        lastLoadInvalid = false
        metrics.manifestLoad(valid: true)
        // Flagged secrets are passed again so that their Ready condition is recomputed.
        var affected = (candidates.map { DesiredStateDiff.changedSecrets(among: $0, from: desired, to: new) }
            ?? DesiredStateDiff.affectedSecrets(from: desired, to: new)).union(flagged)
        flagged.removeAll()
        let profilesChanged = renewAdapters || desired.vaultProfiles.mapValues(\.spec) != new.vaultProfiles.mapValues(\.spec)
        engine = Engine(
            store: store, registry: profilesChanged ? makeRegistry(new.vaultProfiles, store, opened) : engine.registry,
            fingerprinter: fingerprinter, resolver: ValueResolver(environment: configuration.environment, sealed: opened),
            options: configuration.engine)
        if profilesChanged {
            metrics.vaultProfiles(new.vaultProfiles)
            await rateLimiter.configure(new.vaultProfiles)
        }
        sealed = opened
        if let candidates {
            for name in candidates {
                if let file = desired.secrets[name]?.origin.location.file { secretsByFile[file]?.remove(name) }
                if let file = new.secrets[name]?.origin.location.file { secretsByFile[file, default: []].insert(name) }
            }
        } else {
            secretsByFile = Self.secretsByFile(new)
        }
        desired = new
        affected.formUnion(resolveRules(new))
        guard !affected.isEmpty else { return }
        do {
            try engine.register(new, only: affected, in: ledger)
        } catch {
            logger.error("cannot record the inventory", metadata: ["error": "\(error)"])
        }
        var keys = affected.filter { new.secrets[$0] != nil }
        let removed = affected.filter { new.secrets[$0] == nil && ledger.entry($0) != nil }
        for name in removed {
            timers.cancel(name)
            failures.removeValue(forKey: name)
        }
        if !removed.isEmpty {
            if let refusal = engine.massDeleteRefusal(new, ledger: ledger) {
                metrics.reconciled(result: "refused", duration: .zero)
                logger.error("prune refused", metadata: ["reason": "\(refusal)"])
            } else {
                keys.formUnion(removed)
            }
        }
        logger.info("manifests changed", metadata: ["secrets": "\(keys.count)"])
        await enqueue(Array(keys), changed: true)
    }

    /// Queues keys, never-synced secrets in the priority lane, and every key when they
    /// are `changed` (a manifest edit or a decision): a full resync of 100,000 secrets must
    /// not stand between a person's change and the vault.
    private func enqueue(_ keys: [String], changed: Bool = false) async {
        var priority: [String] = []
        var normal: [String] = []
        let synced = changed ? [] : store.namesWithStatus(keys.filter { desired.secrets[$0] != nil })
        for key in keys {
            if changed || desired.secrets[key] != nil && !synced.contains(key) {
                priority.append(key)
            } else {
                normal.append(key)
            }
        }
        await queue.add(priority, lane: .priority)
        await queue.add(normal.sorted())
    }

    /// Marks the status of each secret declared in a file with errors (`Ready=False`,
    /// `ManifestInvalid`); the vaults are not touched.
    private func flagInvalid(_ errors: [Diagnostic]) {
        var firstError: [String: Diagnostic] = [:]
        for error in errors where firstError[error.location.file] == nil { firstError[error.location.file] = error }
        for secret in desired.secrets.values {
            guard let error = firstError[secret.origin.location.file] else { continue }
            do {
                guard var status = try store.readStatus(secret.name) else { continue }
                status.setCondition(
                    .ready, .false, .manifestInvalid,
                    "\(error); the last valid manifest stays applied and nothing is written until the file validates",
                    now: clock.date())
                try store.writeStatus(status)
                flagged.insert(secret.name)
            } catch {
                logger.error("cannot record the invalid manifest in status", metadata: ["secret": "\(secret.name)", "error": "\(error)"])
            }
        }
    }

    // MARK: Workers

    private struct Job {
        var desired: DesiredState
        var engine: Engine
        var compliance: ComplianceSetup
        var profiles: [String]
    }

    private func job(for key: String) -> Job {
        var profiles: [String]
        if let secret = desired.secrets[key] {
            profiles = [secret.spec.vaultProfile] + secret.spec.syncVaultProfiles
        } else {
            profiles = ledger.entry(key).map { Array($0.targets.keys) } ?? []
        }
        return Job(desired: effective, engine: engine, compliance: compliance, profiles: profiles)
    }

    private nonisolated func work(_ index: Int) async {
        while let key = await queue.next() {
            let job = await job(for: key)
            let wait = await rateLimiter.reserve(job.profiles)
            if wait > .zero { try? await clock.sleep(wait) }
            if let suspension = suspensions.entry(key) {
                await leaveSuspended(key, suspension)
                await queue.done(key)
                continue
            }
            if configuration.dryRun {
                await planOnly(key, engine: job.engine, desired: job.desired)
                await queue.done(key)
                continue
            }
            let start = clock.now()
            let report = await job.engine.reconcile(
                [key], in: job.desired, ledger: ledger, audit: audit, now: clock.date(), compliance: job.compliance)
            await finished(key, report: report, duration: clock.now() - start)
            await queue.done(key)
        }
    }

    private func finished(_ key: String, report: Engine.Report, duration: Duration) {
        let plan = report.plans.first { $0.secret == key }
        // Backoff is for what may pass by itself; a stalled secret (not owned, invalid
        // content, waiting for approval) waits for a change, and its resync as usual.
        let failed = report.refusal != nil || (plan?.result.map(\.isRetry) ?? (report.failures > 0))
        let stalled = { if case .stalled? = plan?.result { true } else { false } }()
        metrics.reconciled(
            result: report.refusal != nil ? "refused" : failed ? "failure" : stalled ? "stalled" : "success", duration: duration)
        if let plan {
            metrics.secretState(key, plan.pruned && !failed ? nil : plan.state)
            metrics.secretCompliance(key, plan.pruned && !failed ? nil : plan.compliance)
        }
        if failed {
            let count = (failures[key] ?? 0) + 1
            failures[key] = count
            let delay = configuration.backoff.delay(failures: count, unit: clock.random())
            metrics.backoff(key, active: true)
            logger.warning(
                "reconcile failed; backing off",
                metadata: [
                    "secret": "\(key)", "attempt": "\(count)", "retryIn": "\(delay)",
                    "error": "\(report.refusal ?? plan?.error ?? "see status")",
                ])
            schedule(key, after: delay)
        } else {
            if failures.removeValue(forKey: key) != nil { metrics.backoff(key, active: false) }
            if report.writes > 0 {
                logger.info("reconciled", metadata: ["secret": "\(key)", "writes": "\(report.writes)", "state": "\(plan?.state.rawValue ?? "-")"])
            }
            if let secret = desired.secrets[key] {
                schedule(key, after: configuration.resync.delay(interval: secret.spec.refreshInterval.seconds, unit: clock.random()))
            } else {
                timers.cancel(key)
                metrics.secretState(key, nil)
                metrics.secretCompliance(key, nil)
            }
        }
        if initialPending.remove(key) != nil, initialPending.isEmpty { markReady() }
    }

    /// Queues `key` again after `delay` (drift resync or backoff retry); replaces any
    /// earlier timer of the key.
    func schedule(_ key: String, after delay: Duration) {
        guard !stopping else { return }
        timers.schedule(key, after: delay)
    }

    /// Each secret with a drift resync or retry ahead, and the time until it.
    public func nextPasses() -> [String: Duration] {
        timers.pending
    }

    func markReady() {
        guard !health.isReady else { return }
        health.markReady()
        metrics.ready()
        logger.info("ready: first full pass done")
    }

    /// Queues a secret now, e.g. after an approval decision: the approved change is
    /// performed at once rather than at the next resync.
    public func requeue(_ name: String) async {
        if ApprovalSubject.vaultProfileName(of: name) != nil {
            // A decision on a rule change: the rules in force may change now.
            let affected = resolveRules(desired)
            return await enqueue(affected.sorted(), changed: true)
        }
        guard !stopping, desired.secrets[name] != nil || ledger.entry(name) != nil else { return }
        await enqueue([name], changed: true)
    }

    /// Decides again which rules hold each vault profile's secrets; returns the secrets
    /// whose rules changed (they need a pass under the new ones). A rules record that
    /// cannot be used keeps the last desired state as it was, and is logged.
    private func resolveRules(_ declared: DesiredState) -> Set<String> {
        let before = effective
        do {
            effective = try engine.ruleGate.resolve(declared, now: clock.date(), write: !configuration.dryRun, audit: audit).effective
        } catch {
            // Fail closed: the last desired state stays, under the rules it had.
            logger.error("cannot decide the rules in force; the last desired state stays", metadata: ["error": "\(error)"])
            return []
        }
        compliance = ComplianceSetup.make(effective, store: store)
        return DesiredStateDiff.secretsWithChangedRules(from: before, to: effective)
    }
}
