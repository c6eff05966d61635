import Foundation
import TresorCore

/// Stops a secret's pass when its change waits for approval or was refused.
struct ApprovalHold: Error {
    var request: ApprovalRequest
}

extension SecretReconciler {
    /// The approval step of the source, called once the source's action is known and
    /// before anything is written. Creates, updates and changes of source of a secret
    /// whose source profile (for a change of source: the new one, else the old one)
    /// carries an approval profile need an approved request bound to exactly this change.
    ///
    /// A write that restores the declared content last applied (drift in the source, a
    /// copy deleted outside tresor) needs none: that content was approved already.
    /// - Returns: the approved request to mark performed after the write, or nil.
    /// - Throws: ``ApprovalHold`` in apply mode when the change waits or was refused.
    mutating func gateApproval(
        action: TargetAction, inputs: Inputs, desiredFingerprint: String?, currentFingerprint: String?, generatedFields: [String],
        rotationDue: Bool
    ) throws -> ApprovalRequest? {
        guard let gate = context.approvals else { return nil }
        let profile = spec.vaultProfile
        let previousSource = previous.flatMap { $0.versions.isEmpty ? nil : $0.sourceProfile }
        let operation: ApprovalOperation
        if let previousSource, previousSource != profile {
            operation = .changeSource
        } else if !action.changesVault {
            return nil
        } else if previous?.versions.isEmpty ?? true {
            operation = .create
        } else if inputs.digest != nil, previous?.appliedInputs == inputs.digest, !rotationDue {
            return nil
        } else {
            operation = .update
        }
        let policy = gate.policy(for: profile) ?? (operation == .changeSource ? previousSource.flatMap(gate.policy(for:)) : nil)
        guard let policy else { return nil }
        let binding = ApprovalBinding(
            operation: operation, sourceProfile: profile, previousSourceProfile: operation == .changeSource ? previousSource : nil,
            targets: ["\(profile):\(path)"] + spec.syncVaultProfiles.sorted().map { "\($0):\(path)" },
            generation: status.observedGeneration, inputs: inputs.digest,
            fingerprint: generatedFields.isEmpty ? desiredFingerprint : nil, generatedFields: generatedFields.sorted())
        let verdict: ApprovalGate.Verdict
        do {
            let (decided, events) = try gate.evaluate(
                secret: secret.name, binding: binding, policy: policy, requester: gate.requester.identity(for: secret),
                fromFingerprint: currentFingerprint, now: now, mode: context.mode)
            verdict = decided
            audit.append(contentsOf: events)
        } catch {
            throw ReconcileFailure(reason: .sourceFailed, message: "cannot record the approval request: \(error)")
        }
        switch verdict {
        case .proceed(let request):
            plan.approval = PlannedApproval(
                request: request?.id, operation: operation.rawValue, state: .approved,
                message: request.map { "approved by \($0.approvals.joined(separator: ", "))" } ?? "approved and performed")
            return request
        case .hold(let request), .refused(let request):
            let refused = request.state == .rejected || request.state == .expired
            let message = refused ? refusalMessage(request) : request.waitingMessage
            plan.approval = PlannedApproval(
                request: applying || request.id != "(new)" ? request.id : nil, operation: operation.rawValue,
                state: refused ? .refused : .waiting,
                message: !applying && request.id == "(new)"
                    ? "\(operation.rawValue) would wait for \(policy.spec.requiredApprovals) approvals (approval profile '\(policy.name)')"
                    : message)
            if applying { throw ApprovalHold(request: request) }
            return nil
        }
    }

    /// Records that the approved change was written.
    mutating func completeApproval(_ request: ApprovalRequest?) {
        guard let request, applying, let gate = context.approvals else { return }
        audit.append(contentsOf: gate.complete(request, now: now))
        status.approval = nil
        status.setCondition(
            .approved, .true, .approved, "request \(request.id) (\(request.binding.operation.rawValue)) approved by "
                + "\(request.approvals.joined(separator: ", ")) and performed", now: now)
    }

    /// At the end of a pass that needed no approval: supersedes requests the manifests no
    /// longer ask for, and clears the status's pending request.
    mutating func settleApprovals() {
        guard applying, let gate = context.approvals,
            gate.policy(for: spec.vaultProfile) != nil || status.approval != nil || previous?.approval != nil
        else { return }
        do {
            audit.append(contentsOf: try gate.settle(secret: secret.name, now: now))
        } catch {
            audit.append(
                AuditEvent(
                    time: now, actor: "tresor", secret: secret.name, vaultProfile: spec.vaultProfile, operation: "approval-supersede",
                    outcome: "failure", message: "\(error)"))
        }
        status.approval = nil
        if status.condition(.approved)?.status != .true {
            status.setCondition(.approved, .true, .notRequired, "no change waits for approval", now: now)
        }
    }

    /// The pass stops: the vaults and the recorded content stay as they were.
    mutating func holdForApproval(_ hold: ApprovalHold) {
        let request = hold.request
        plan.targets = plan.targets.filter { $0.role == .source }
        status.versions = previous?.versions ?? []
        status.targets = previous?.targets ?? [:]
        status.appliedInputs = previous?.appliedInputs
        status.sourceProfile = previous?.sourceProfile ?? spec.vaultProfile
        // The inventory was widened to the manifest's targets before the pass; keep only
        // what the secret really had.
        managedTargets = previousTargets.filter { previous?.targets[$0.key] != nil }
        status.approval = request.summary
        let isCreate = request.binding.operation == .create
        switch request.state {
        case .rejected, .expired:
            let reason: ConditionReason = request.state == .rejected ? .rejected : .approvalExpired
            let message = refusalMessage(request)
            status.setCondition(.approved, .false, reason, message, now: now)
            if isCreate {
                status.state = .rejected
                status.setCondition(.ready, .false, reason, "not written: " + message, now: now)
            } else if status.state == .pendingApproval {
                status.state = previous?.versions.isEmpty == false ? .active : .inactive
            }
        default:
            status.state = .pendingApproval
            status.setCondition(.approved, .false, .pending, request.waitingMessage, now: now)
            if isCreate { status.setCondition(.ready, .false, .pending, "not written: the create waits for approval", now: now) }
        }
    }

    func refusalMessage(_ request: ApprovalRequest) -> String {
        let cause: String
        if request.state == .expired {
            cause = "expired at \(request.expiresAt.map(StatusCoding.formatDate) ?? "?") without enough approvals"
        } else {
            let rejection = request.rejection
            cause = "rejected by \(rejection?.identity ?? "?")" + (rejection?.comment.map { " (\($0))" } ?? "")
        }
        let kept = request.binding.operation == .create ? "nothing was written" : "the vaults keep what they held"
        return "\(request.binding.operation.rawValue) request \(request.id) \(cause); \(kept). Change the manifest to ask again"
    }
}
