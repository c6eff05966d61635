import Foundation
import TresorCore

extension Engine {
    /// The approval step of pruning under `deletionPolicy: Delete`: when the secret's last
    /// source profile carries an approval profile, its vault copies are deleted only once
    /// a request bound to exactly this deletion (the copies, the spec generation and the
    /// fingerprint last recorded) is approved.
    /// - Returns: the outcome to report when the deletion waits or was refused (the
    ///   inventory entry and status are kept); nil to go on, with `approved` set to the
    ///   request to mark performed afterwards.
    func gateDeletion(_ name: String, entry: Inventory.Entry, context: ReconcileContext, approved: inout ApprovalRequest?)
        -> PruneOutcome?
    {
        guard let gate = context.approvals, !entry.targets.isEmpty else { return nil }
        var outcome = PruneOutcome(plan: SecretPlan(secret: name, state: .inactive, pruned: true), writes: 0, failed: false, audit: [])
        let status: SecretStatus?
        do {
            status = try gate.stateStore.readStatus(name)
        } catch {
            outcome.failed = true
            outcome.plan.error = "\(error)"
            return outcome
        }
        let source = status?.sourceProfile ?? entry.targets.keys.sorted()[0]
        guard let policy = gate.policy(for: source) else { return nil }
        let sortedTargets = entry.targets.sorted { ($0.key == source ? 0 : 1, $0.key) < ($1.key == source ? 0 : 1, $1.key) }
        let binding = ApprovalBinding(
            operation: .delete, sourceProfile: source, targets: sortedTargets.map { "\($0.key):\($0.value)" },
            generation: status?.observedGeneration ?? "", fingerprint: status?.latestVersion?.fingerprint)
        let verdict: ApprovalGate.Verdict
        do {
            let (decided, events) = try gate.evaluate(
                secret: name, binding: binding, policy: policy, requester: gate.requester.identity(for: nil),
                fromFingerprint: status?.latestVersion?.fingerprint, now: context.now, mode: context.mode)
            verdict = decided
            outcome.audit = events
        } catch {
            outcome.failed = true
            outcome.plan.error = "cannot record the approval request for deleting '\(name)': \(error)"
            return outcome
        }
        let request: ApprovalRequest
        switch verdict {
        case .proceed(let decided):
            // Only an expiry makes events, and an expired request never proceeds.
            approved = decided
            return nil
        case .hold(let held), .refused(let held):
            request = held
        }
        let refused = request.state == .rejected || request.state == .expired
        let isNew = context.mode == .plan && request.id == "(new)"
        outcome.heldForApproval = true
        outcome.plan.approval = PlannedApproval(
            request: isNew ? nil : request.id, operation: "delete", state: refused ? .refused : .waiting,
            message: isNew
                ? "delete would wait for \(policy.spec.requiredApprovals) approvals (approval profile '\(policy.name)')"
                : refused ? "delete request \(request.id) was \(request.state.rawValue); the vault copies stay. "
                    + "Declare the secret again to keep managing it; removing it again later asks anew"
                : request.waitingMessage)
        for (profile, path) in sortedTargets {
            outcome.plan.targets.append(
                PlannedTarget(
                    profile: profile, role: profile == source ? .source : .sync, path: path, action: .delete,
                    note: "removed from the manifests (deletionPolicy: Delete)"))
        }
        guard context.mode == .apply, var recorded = status else { return outcome }
        recorded.approval = request.summary
        if refused {
            recorded.setCondition(
                .approved, .false, request.state == .rejected ? .rejected : .approvalExpired,
                "delete request \(request.id) was \(request.state.rawValue); the vault copies stay", now: context.now)
            if recorded.state == .pendingApproval { recorded.state = .active }
        } else {
            recorded.state = .pendingApproval
            recorded.setCondition(.approved, .false, .pending, request.waitingMessage, now: context.now)
        }
        outcome.plan.state = recorded.state
        do {
            try gate.stateStore.writeStatus(recorded)
        } catch {
            outcome.plan.error = "\(error)"
        }
        return outcome
    }

    func completeDeletionApproval(_ request: ApprovalRequest, context: ReconcileContext) -> [AuditEvent] {
        context.approvals?.complete(request, now: context.now) ?? []
    }
}
