import Foundation
import TresorCore

/// Passes over the whole desired state: the mass-delete guard, every declared secret
/// (bounded concurrency) and every secret removed from the manifests, each through the
/// ``Reconciler``'s stages. `plan` stops after the gate; `apply` executes and records,
/// and keeps the inventory.
public struct Engine: Sendable {
    public struct Options: Sendable {
        public var actor: String
        public var allowMassDelete: Bool
        /// Secrets reconciled at once. Vault writes fsync; running many together lets
        /// the disk commit them as a group.
        public var concurrency: Int
        /// Refuse when a run would prune more than this share of the inventory…
        public var massDeleteShare: Double
        /// …and more than this many secrets.
        public var massDeleteMinimum: Int
        /// Who asks for approval of gated changes: `.identity` for `apply --as`,
        /// ``ApprovalRequester/gitops`` for the daemon.
        public var requester: ApprovalRequester
        /// Only these secrets are planned, applied or pruned (`-l`, `--target`); nil: all.
        public var only: Set<String>?

        public init(
            actor: String = "cli", allowMassDelete: Bool = false, concurrency: Int = 32, massDeleteShare: Double = 0.25,
            massDeleteMinimum: Int = 5, requester: ApprovalRequester? = nil, only: Set<String>? = nil
        ) {
            self.only = only
            self.requester = requester ?? .annotation(default: actor)
            self.actor = actor
            self.allowMassDelete = allowMassDelete
            self.concurrency = concurrency
            self.massDeleteShare = massDeleteShare
            self.massDeleteMinimum = massDeleteMinimum
        }
    }

    public struct Report: Sendable {
        public var plans: [SecretPlan]
        /// Vault writes and deletes performed.
        public var writes: Int
        /// Secrets that did not converge for a reason other than a gate's hold.
        public var failures: Int
        /// Set when the mass-delete guard refused the whole run.
        public var refusal: String?
        /// Set on a plan the guard would refuse to apply: the plan still shows every deletion.
        public var massDeleteWarning: String?
        /// Vault profiles whose declared rules are looser than the rules in force.
        public var ruleChanges: [RuleGate.Loosening] = []

        public var hasChanges: Bool { plans.contains { $0.hasChanges || !$0.generatedFields.isEmpty } || !heldRuleChanges.isEmpty }
        /// Looser rules that wait for approval or were refused: the rules in force stay.
        public var heldRuleChanges: [RuleGate.Loosening] { ruleChanges.filter(\.isHeld) }
        public var failedSecrets: [SecretPlan] { plans.filter { $0.error != nil || $0.isBlocked } }
        /// Secrets whose changes wait for approval or were refused by it: `apply` exits 3
        /// when there is any.
        public var heldForApproval: [SecretPlan] { plans.filter(\.isHeldForApproval) }
    }

    public let store: StateStore
    public let registry: VaultRegistry
    public let fingerprinter: Fingerprinter
    public let resolver: ValueResolver
    public let options: Options

    public init(store: StateStore, registry: VaultRegistry, fingerprinter: Fingerprinter, resolver: ValueResolver, options: Options) {
        self.store = store
        self.registry = registry
        self.fingerprinter = fingerprinter
        self.resolver = resolver
        self.options = options
    }

    /// Observe → plan → gate for every secret; writes nothing.
    public func plan(_ declared: DesiredState, now: Date, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> Report {
        let rules = try ruleGate.resolve(declared, now: now, write: false, audit: nil)
        let desired = rules.effective
        let inventory = try store.readInventory()
        let warning = massDeleteRefusal(desired, inventory: inventory)
        let statuses = prefetch(desired)
        let reconciler = Reconciler(context: context(for: desired, now: now, compliance: ComplianceSetup.make(desired, statuses: statuses)))
        let works = self.works(desired, inventory: inventory, before: inventory)
        let plans = await forEach(works, statuses: statuses, progress: progress) { work in
            await reconciler.plan(work)
        } failed: { name, error in
            SecretPlan(secret: name, state: .failed, error: error)
        }
        return Report(
            plans: plans.sorted { $0.secret < $1.secret }, writes: 0, failures: 0, refusal: nil, massDeleteWarning: warning,
            ruleChanges: rules.loosenings)
    }

    /// Observe → plan → gate → execute → record for every secret, then the inventory.
    public func apply(_ declared: DesiredState, now: Date, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> Report {
        var inventory = try store.readInventory()
        if let refusal = massDeleteRefusal(declared, inventory: inventory) {
            return Report(plans: [], writes: 0, failures: 1, refusal: refusal)
        }
        try store.checkStatusWritable()
        let audit = try store.auditLog()
        // Before any secret: a looser rule set must not already govern this pass.
        let rules = try ruleGate.resolve(declared, now: now, write: true, audit: audit)
        let desired = rules.effective
        // Registered before any write, so a crash can never leave a vault copy that the
        // inventory does not know about (and so could never prune).
        var registered = inventory
        for secret in desired.secrets.values where options.only?.contains(secret.name) ?? true {
            registered.secrets[secret.name] = Self.registered(secret, previous: registered.secrets[secret.name])
        }
        if registered != inventory { try store.writeInventory(registered) }
        let before = inventory
        inventory = registered
        let statuses = prefetch(desired)
        var passContext = context(for: desired, now: now, compliance: ComplianceSetup.make(desired, statuses: statuses))
        passContext.audit = audit
        let reconciler = Reconciler(context: passContext)
        let kept = inventory
        let outcomes = await forEach(works(desired, inventory: inventory, before: before), statuses: statuses, progress: progress) { work in
            var outcome = await reconciler.apply(work)
            await audit.appendWaiting(outcome.audit)
            // Kept to the end are only what the report and the inventory need, not every
            // secret's status and audit lines.
            outcome.status = nil
            outcome.audit = []
            return outcome
        } failed: { name, error in
            SecretOutcome(
                plan: SecretPlan(secret: name, state: .failed, error: error), status: nil, audit: [], writes: 0, failed: true,
                managedTargets: kept.secrets[name]?.targets, result: .retry(error))
        }
        var report = Report(plans: [], writes: 0, failures: 0, refusal: nil, ruleChanges: rules.loosenings)
        var final = inventory
        for outcome in outcomes {
            report.plans.append(outcome.plan)
            report.writes += outcome.writes
            if outcome.failed { report.failures += 1 }
            if let managed = outcome.managedTargets, var entry = final.secrets[outcome.plan.secret] {
                entry.targets = managed
                final.secrets[outcome.plan.secret] = entry
            } else if outcome.managedTargets == nil {
                final.secrets.removeValue(forKey: outcome.plan.secret)
            }
        }
        store.syncStatuses()
        if final != inventory { try store.writeInventory(final) }
        audit.sync()
        report.plans.sort { $0.secret < $1.secret }
        return report
    }

    /// Every status read before the pass, when compliance's uniqueness index needs them
    /// all or the store is etcd (one range read costs less than a round trip per secret).
    private func prefetch(_ desired: DesiredState) -> StatusPrefetch? {
        guard ComplianceSetup.needsStatuses(desired) || store.etcd != nil else { return nil }
        return StatusPrefetch.read(desired.secrets.keys.sorted(), store: store)
    }

    /// Decides which rules hold each vault profile's secrets (``RuleGate``).
    public var ruleGate: RuleGate { RuleGate(store: store, requester: options.requester.identity(for: nil)) }

    /// What every secret's pass needs. The full pass and the daemon's passes over a few
    /// secrets both start here, so neither can run without the gates.
    func context(for desired: DesiredState, now: Date, compliance: ComplianceSetup) -> ReconcileContext {
        ReconcileContext(
            registry: registry, fingerprinter: fingerprinter, resolver: resolver, store: store, actor: options.actor,
            requester: options.requester, now: now, desired: desired, compliance: compliance)
    }

    /// Every declared secret, then every secret the inventory keeps that is no longer declared.
    /// - Parameter before: the inventory before this pass registered the declared secrets.
    private func works(_ desired: DesiredState, inventory: Inventory, before: Inventory) -> [Reconciler.Work] {
        var works = desired.secrets.values.sorted { $0.name < $1.name }.map { secret in
            Reconciler.Work(
                name: secret.name, secret: secret, previous: nil, managed: inventory.secrets[secret.name]?.targets ?? [:],
                registeredBefore: before.secrets[secret.name]?.targets ?? [:])
        }
        if let only = options.only { works.removeAll { !only.contains($0.name) } }
        for (name, entry) in inventory.secrets.sorted(by: { $0.key < $1.key })
        where desired.secrets[name] == nil && options.only?.contains(name) ?? true {
            works.append(
                Reconciler.Work(
                    name: name, secret: nil, previous: nil, managed: entry.targets, removedType: entry.type,
                    removedPolicy: entry.deletionPolicy))
        }
        return works
    }

    /// Runs `body` over `works`, `concurrency` at a time, each with its previous status.
    private func forEach<Output: Sendable>(
        _ works: [Reconciler.Work], statuses: StatusPrefetch?, progress: (@Sendable (Int, Int) -> Void)?,
        _ body: @escaping @Sendable (Reconciler.Work) async -> Output, failed: @escaping @Sendable (String, String) -> Output
    ) async -> [Output] {
        let store = self.store
        var outputs: [Output] = []
        outputs.reserveCapacity(works.count)
        await withTaskGroup(of: Output.self) { group in
            var next = 0
            func submit() {
                var work = works[next]
                next += 1
                group.addTask {
                    do {
                        if let prefetched = try statuses?.lookup(work.name) {
                            work.previous = prefetched
                        } else {
                            work.previous = try store.readStatus(work.name)
                        }
                    } catch {
                        return failed(work.name, "\(error)")
                    }
                    return await body(work)
                }
            }
            while next < min(options.concurrency, works.count) { submit() }
            for await output in group {
                outputs.append(output)
                progress?(outputs.count, works.count)
                if next < works.count { submit() }
            }
        }
        return outputs
    }

    func massDeleteRefusal(_ desired: DesiredState, inventory: Inventory) -> String? {
        let removing = inventory.secrets.keys.count { desired.secrets[$0] == nil && options.only?.contains($0) ?? true }
        return massDeleteRefusal(removing: removing, of: inventory.secrets.count)
    }

    func massDeleteRefusal(removing count: Int, of total: Int) -> String? {
        guard !options.allowMassDelete, count > options.massDeleteMinimum,
            Double(count) > options.massDeleteShare * Double(total)
        else { return nil }
        return "this run would remove \(count) of the \(total) managed secrets (more than "
            + "\(Int(options.massDeleteShare * 100))% and more than \(options.massDeleteMinimum)); nothing was changed. "
            + "Check the -f paths; if the removal is intended, run again with --allow-mass-delete"
    }

    /// `previous` with the secret's policy and any target it does not list yet.
    static func registered(_ secret: Secret, previous: Inventory.Entry?) -> Inventory.Entry {
        var entry = previous ?? Inventory.Entry(type: secret.spec.type, deletionPolicy: secret.spec.deletionPolicy, targets: [:])
        entry.deletionPolicy = secret.spec.deletionPolicy
        entry.type = secret.spec.type
        let path = secret.vaultPath
        for profile in [secret.spec.vaultProfile] + secret.spec.syncVaultProfiles where entry.targets[profile] == nil {
            entry.targets[profile] = path
        }
        return entry
    }
}
