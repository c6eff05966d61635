import Foundation
import TresorCore

/// Passes over a few secrets at a time, for the daemon: each named secret is reconciled
/// against the current desired state through the same per-secret path as `run`, and a
/// named secret that is no longer declared is pruned, still under the mass-delete guard
/// computed over the whole inventory.
extension Engine {
    /// Records every declared secret's targets in the inventory, in one write, before any
    /// vault write: a crash can then never leave a vault copy the inventory does not know.
    /// - Parameter names: only these secrets (nil: every declared one).
    public func register(_ desired: DesiredState, only names: Set<String>? = nil, in ledger: InventoryLedger) throws {
        let secrets = names.map { $0.compactMap { desired.secrets[$0] } } ?? Array(desired.secrets.values)
        let changed = secrets.compactMap { secret -> (String, Inventory.Entry)? in
            let previous = ledger.entry(secret.name)
            let entry = Self.registered(secret, previous: previous)
            return entry == previous ? nil : (secret.name, entry)
        }
        guard !changed.isEmpty else { return }
        try ledger.update { inventory in
            for (name, entry) in changed { inventory.secrets[name] = entry }
        }
    }

    /// Reconciles (observe → plan → gate → execute → record) the named secrets; names that are in the inventory but no
    /// longer declared are pruned unless the mass-delete guard refuses.
    /// - Parameters:
    ///   - names: secret names, declared or removed.
    ///   - desired: the whole current desired state (the guard and prune decisions need it).
    ///   - ledger: the process's inventory.
    ///   - audit: the open audit log.
    ///   - compliance: the compliance setup of `desired` (``ComplianceSetup/make(_:store:)``),
    ///     made once per desired state: its uniqueness index reads every status file.
    public func reconcile(
        _ names: [String], in desired: DesiredState, ledger: InventoryLedger, audit: AuditLog, now: Date,
        compliance: ComplianceSetup
    ) async -> Report {
        var passContext = context(for: desired, now: now, compliance: compliance)
        passContext.audit = audit
        let reconciler = Reconciler(context: passContext)
        var report = Report(plans: [], writes: 0, failures: 0, refusal: nil)
        for name in names {
            if let secret = desired.secrets[name] {
                await reconcileDeclared(secret, ledger: ledger, reconciler: reconciler, audit: audit, into: &report)
            } else {
                await pruneRemoved(name, desired: desired, ledger: ledger, reconciler: reconciler, audit: audit, into: &report)
            }
        }
        audit.sync()
        return report
    }

    /// Names in the inventory that the desired state no longer declares.
    public func removedSecrets(_ desired: DesiredState, ledger: InventoryLedger) -> [String] {
        ledger.snapshot.secrets.keys.filter { desired.secrets[$0] == nil }.sorted()
    }

    /// The guard's verdict on removing every secret `desired` no longer declares.
    public func massDeleteRefusal(_ desired: DesiredState, ledger: InventoryLedger) -> String? {
        let inventory = ledger.snapshot
        let removed = inventory.secrets.keys.count { desired.secrets[$0] == nil }
        return massDeleteRefusal(removing: removed, of: inventory.secrets.count)
    }

    private func reconcileDeclared(
        _ secret: Secret, ledger: InventoryLedger, reconciler: Reconciler, audit: AuditLog, into report: inout Report
    ) async {
        let before = ledger.entry(secret.name)
        let registered = Self.registered(secret, previous: before)
        do {
            try ledger.set(secret.name, registered)
        } catch {
            report.plans.append(SecretPlan(secret: secret.name, state: .failed, error: "cannot record the inventory: \(error)"))
            report.failures += 1
            return
        }
        await reconcile(
            Reconciler.Work(
                name: secret.name, secret: secret, managed: registered.targets, registeredBefore: before?.targets ?? [:]),
            entry: registered, ledger: ledger,
            reconciler: reconciler, audit: audit, into: &report)
    }

    private func pruneRemoved(
        _ name: String, desired: DesiredState, ledger: InventoryLedger, reconciler: Reconciler, audit: AuditLog,
        into report: inout Report
    ) async {
        guard let entry = ledger.entry(name) else { return }
        if let refusal = massDeleteRefusal(desired, ledger: ledger) {
            report.refusal = refusal
            report.failures += 1
            return
        }
        await reconcile(
            Reconciler.Work(name: name, managed: entry.targets, removedType: entry.type, removedPolicy: entry.deletionPolicy),
            entry: entry, ledger: ledger, reconciler: reconciler, audit: audit, into: &report)
    }

    private func reconcile(
        _ work: Reconciler.Work, entry: Inventory.Entry, ledger: InventoryLedger, reconciler: Reconciler, audit: AuditLog,
        into report: inout Report
    ) async {
        var work = work
        do {
            work.previous = try store.readStatus(work.name)
        } catch {
            report.plans.append(SecretPlan(secret: work.name, state: .failed, error: "\(error)"))
            report.failures += 1
            return
        }
        let outcome = await reconciler.apply(work)
        await audit.appendWaiting(outcome.audit)
        report.plans.append(outcome.plan)
        report.writes += outcome.writes
        if outcome.failed { report.failures += 1 }
        do {
            var updated = entry
            if let managed = outcome.managedTargets {
                updated.targets = managed
                try ledger.set(work.name, updated)
            } else {
                try ledger.set(work.name, nil)
            }
        } catch {
            report.failures += 1
        }
    }
}
