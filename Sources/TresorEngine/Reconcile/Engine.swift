import Foundation
import TresorCore

/// One reconcile pass over the whole desired state: the mass-delete guard, every
/// secret (bounded concurrency, source before sync targets), pruning of secrets removed
/// from the manifests, and the inventory, status and audit records.
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

        public init(
            actor: String = "cli", allowMassDelete: Bool = false, concurrency: Int = 32, massDeleteShare: Double = 0.25,
            massDeleteMinimum: Int = 5, requester: ApprovalRequester? = nil
        ) {
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
        public var writes: Int
        public var failures: Int
        /// Set when the mass-delete guard refused the whole run.
        public var refusal: String?

        public var hasChanges: Bool { plans.contains { $0.hasChanges || !$0.generatedFields.isEmpty } }
        public var failedSecrets: [SecretPlan] { plans.filter { $0.error != nil || $0.isBlocked } }
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

    public func run(
        _ desired: DesiredState, mode: ReconcileMode, now: Date, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> Report {
        var inventory = try store.readInventory()
        let removed = inventory.secrets.keys.filter { desired.secrets[$0] == nil }.sorted()
        if let refusal = massDeleteRefusal(removing: removed.count, of: inventory.secrets.count) {
            return Report(plans: [], writes: 0, failures: 1, refusal: refusal)
        }
        let audit = mode == .apply ? try store.auditLog() : nil
        if mode == .apply {
            // Registered before any write, so a crash can never leave a vault copy that
            // the inventory does not know about (and so could never prune).
            var registered = inventory
            for secret in desired.secrets.values {
                var entry = registered.secrets[secret.name]
                    ?? Inventory.Entry(type: secret.spec.type, deletionPolicy: secret.spec.deletionPolicy, targets: [:])
                entry.deletionPolicy = secret.spec.deletionPolicy
                let path = secret.spec.path ?? secret.name
                for profile in [secret.spec.vaultProfile] + secret.spec.syncVaultProfiles where entry.targets[profile] == nil {
                    entry.targets[profile] = path
                }
                registered.secrets[secret.name] = entry
            }
            if registered != inventory { try store.writeInventory(registered) }
            inventory = registered
        }
        // Compliance's uniqueness index needs every status before the pass: read them once,
        // for the index and for the pass.
        let statuses = ComplianceSetup.needsStatuses(desired) ? StatusPrefetch.read(desired.secrets.keys.sorted(), store: store) : nil
        let context = context(for: desired, mode: mode, now: now, compliance: ComplianceSetup.make(desired, statuses: statuses))
        let outcomes = await reconcileAll(
            desired, inventory: inventory, context: context, audit: audit, statuses: statuses, progress: progress)

        var plans: [SecretPlan] = []
        var writes = 0
        var failures = 0
        var final = inventory
        for outcome in outcomes {
            plans.append(outcome.plan)
            writes += outcome.writes
            if outcome.failed { failures += 1 }
            if mode == .apply, let secret = desired.secrets[outcome.plan.secret] {
                final.secrets[secret.name] = Inventory.Entry(
                    type: secret.spec.type, deletionPolicy: secret.spec.deletionPolicy, targets: outcome.managedTargets)
            }
        }
        for name in removed {
            guard let entry = inventory.secrets[name] else { continue }
            let pruned = await prune(name, entry: entry, context: context)
            plans.append(pruned.plan)
            writes += pruned.writes
            audit?.append(pruned.audit)
            if pruned.failed {
                failures += 1
            } else if mode == .apply, !pruned.heldForApproval {
                final.secrets.removeValue(forKey: name)
                store.removeStatus(name)
            }
        }
        if mode == .apply {
            store.syncStatuses()
            if final != inventory { try store.writeInventory(final) }
            audit?.sync()
        }
        return Report(plans: plans.sorted { $0.secret < $1.secret }, writes: writes, failures: failures, refusal: nil)
    }

    /// What every secret's pass needs: vaults, keys, values, and the approval and
    /// compliance gates of this desired state. The full pass and the daemon's passes over a
    /// few secrets both start here, so neither can run without the gates.
    func context(for desired: DesiredState, mode: ReconcileMode, now: Date, compliance: ComplianceSetup) -> ReconcileContext {
        var context = ReconcileContext(
            registry: registry, fingerprinter: fingerprinter, resolver: resolver, actor: options.actor, now: now, mode: mode,
            approvals: ApprovalGate(desired: desired, stateStore: store, requester: options.requester))
        context.compliance = compliance
        return context
    }

    func massDeleteRefusal(removing count: Int, of total: Int) -> String? {
        guard !options.allowMassDelete, count > options.massDeleteMinimum,
            Double(count) > options.massDeleteShare * Double(total)
        else { return nil }
        return "this run would remove \(count) of the \(total) managed secrets (more than "
            + "\(Int(options.massDeleteShare * 100))% and more than \(options.massDeleteMinimum)); nothing was changed. "
            + "Check the -f paths; if the removal is intended, run again with --allow-mass-delete"
    }

    private func reconcileAll(
        _ desired: DesiredState, inventory: Inventory, context: ReconcileContext, audit: AuditLog?, statuses: StatusPrefetch?,
        progress: (@Sendable (Int, Int) -> Void)?
    ) async -> [SecretOutcome] {
        let secrets = desired.secrets.values.sorted { $0.name < $1.name }
        let store = self.store
        var outcomes: [SecretOutcome] = []
        outcomes.reserveCapacity(secrets.count)
        await withTaskGroup(of: SecretOutcome.self) { group in
            var next = 0
            func submit() {
                let secret = secrets[next]
                let targets = inventory.secrets[secret.name]?.targets ?? [:]
                next += 1
                group.addTask {
                    await Self.reconcileOne(
                        secret, previousTargets: targets, context: context, store: store, audit: audit, statuses: statuses)
                }
            }
            while next < min(options.concurrency, secrets.count) { submit() }
            for await outcome in group {
                outcomes.append(outcome)
                progress?(outcomes.count, secrets.count)
                if next < secrets.count { submit() }
            }
        }
        return outcomes
    }

    static func reconcileOne(
        _ secret: Secret, previousTargets: [String: String], context: ReconcileContext, store: StateStore, audit: AuditLog?,
        statuses: StatusPrefetch? = nil
    ) async -> SecretOutcome {
        let previous: SecretStatus?
        do {
            if let prefetched = try statuses?.lookup(secret.name) {
                previous = prefetched
            } else {
                previous = try store.readStatus(secret.name)
            }
        } catch {
            let plan = SecretPlan(secret: secret.name, state: .failed, error: "\(error)")
            return SecretOutcome(plan: plan, status: nil, audit: [], writes: 0, failed: true, managedTargets: previousTargets)
        }
        var reconciler = SecretReconciler(secret: secret, previous: previous, previousTargets: previousTargets, context: context)
        var outcome = await reconciler.run()
        audit?.append(outcome.audit)
        // A pass that changed nothing but the time leaves the file alone: no-change
        // passes over thousands of secrets then cost no disk writes at all.
        if let status = outcome.status, !status.differsOnlyInTime(from: previous) {
            do {
                // fsync: off the cooperative pool, which then keeps the other secrets going.
                try await BlockingIO.shared.run { try store.writeStatus(status) }
            } catch {
                outcome.failed = true
                outcome.plan.error = "\(error)"
            }
        }
        return outcome
    }
}
