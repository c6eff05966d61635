import Foundation
import TresorCore

extension Engine {
    struct PruneOutcome {
        var plan: SecretPlan
        var writes: Int
        var failed: Bool
        var audit: [AuditEvent]
        /// The delete waits for approval or was refused: keep the inventory entry and status.
        var heldForApproval = false
    }

    /// Removes a secret that is no longer declared: each vault copy tresor owns is
    /// deleted under `deletionPolicy: Delete`, else released. Copies whose deletion fails
    /// keep the inventory entry, so the next run retries them.
    func prune(_ name: String, entry: Inventory.Entry, context: ReconcileContext) async -> PruneOutcome {
        var outcome = PruneOutcome(plan: SecretPlan(secret: name, state: .inactive, pruned: true), writes: 0, failed: false, audit: [])
        let delete = entry.deletionPolicy == .delete
        var approved: ApprovalRequest?
        if delete, let held = gateDeletion(name, entry: entry, context: context, approved: &approved) { return held }
        for (profile, path) in entry.targets.sorted(by: { $0.key < $1.key }) {
            var target = PlannedTarget(
                profile: profile, role: .sync, path: path, action: delete ? .delete : .release,
                note: delete ? "removed from the manifests (deletionPolicy: Delete)" : "removed from the manifests (deletionPolicy: Retain)")
            func event(_ operation: String, _ result: String, fingerprint: String? = nil, message: String? = nil) -> AuditEvent {
                AuditEvent(
                    time: context.now, actor: context.actor, secret: name, vaultProfile: profile, operation: operation, outcome: result,
                    fingerprint: fingerprint, message: message)
            }
            guard delete else {
                outcome.plan.targets.append(target)
                if context.mode == .apply { outcome.audit.append(event("release", "success", message: "removed from the manifests")) }
                continue
            }
            do {
                let adapter = try context.registry.adapter(for: profile)
                let metadata = try await adapter.readMetadata(at: path)
                guard let metadata, metadata.mark?.secret == name else {
                    target.action = .noop
                    target.note = metadata == nil ? "already gone" : "not tresor's; left in place"
                    outcome.plan.targets.append(target)
                    continue
                }
                target.fromFingerprint = metadata.mark?.fingerprint
                outcome.plan.targets.append(target)
                if context.mode == .apply {
                    try await adapter.delete(at: path)
                    outcome.writes += 1
                    outcome.audit.append(event("delete", "success", fingerprint: metadata.mark?.fingerprint))
                }
            } catch {
                outcome.failed = true
                outcome.plan.error = "cannot delete '\(path)' in \(profile): \(error)"
                outcome.audit.append(event("delete", "failure", message: "\(error)"))
            }
        }
        if let approved, !outcome.failed, context.mode == .apply {
            outcome.audit += completeDeletionApproval(approved, context: context)
        }
        return outcome
    }
}
