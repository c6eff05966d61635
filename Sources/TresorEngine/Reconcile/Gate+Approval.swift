import Foundation
import TresorCore

/// The approval half of the gate. Every create, update, adopt, move and delete in a
/// profile that carries an approval profile waits for a request bound to exactly this
/// change (a sync create into a gated profile is a create there). A write that puts back
/// what the target was last recorded holding (drift restored, a copy deleted outside
/// tresor) needs none: that content was approved already. A move also needs the old
/// source's approval profile, and an outside change of generated or external content in a
/// gated source waits before it is copied anywhere.
extension Gate {
    static func checkApproval(_ input: Input, into decision: inout Decision) {
        let planned = input.planned
        let source = input.secret?.spec.vaultProfile ?? input.previous?.sourceProfile
        var gatedProfiles: [String] = []
        var gatedLines: [Int] = []
        for (index, line) in decision.plan.targets.enumerated() where line.hold == nil {
            guard input.approvalProfiles[line.profile] != nil else { continue }
            let needs = (line.action.writes && !line.restoresRecorded) || line.action == .delete
            if needs {
                gatedLines.append(index)
                gatedProfiles.append(line.profile)
            }
        }
        if let moved = planned.movedFrom {
            // A change of source is one in both profiles, whether or not either is written.
            for profile in [moved, source].compactMap({ $0 }) where input.approvalProfiles[profile] != nil {
                gatedProfiles.append(profile)
            }
        }
        if planned.sourceDrift, let source, input.approvalProfiles[source] != nil {
            gatedProfiles.append(source)
            for (index, line) in decision.plan.targets.enumerated() where line.role == .sync && line.action.writes && line.hold == nil {
                gatedLines.append(index)
            }
        }
        // Everything follows the source: while its write waits, so do the copies' writes and
        // the release or delete of an old source; while its delete waits, so do the copies'.
        let sourceWrite = gatedLines.contains { decision.plan.targets[$0].role == .source && decision.plan.targets[$0].action.writes }
        let sourceDelete = gatedLines.contains { decision.plan.targets[$0].role == .source && decision.plan.targets[$0].isDelete }
        if sourceWrite || sourceDelete {
            for (index, line) in decision.plan.targets.enumerated() where line.runs && (sourceWrite || line.isDelete) {
                gatedLines.append(index)
            }
        }
        gatedLines = Array(Set(gatedLines)).sorted()
        var file = input.approvals ?? ApprovalFile()
        let before = file
        defer { decision.approvals = file == before ? nil : file }
        guard !gatedProfiles.isEmpty else {
            settle(&file, declared: input.secret != nil, now: input.now, events: &decision.events)
            return
        }
        let operation = operation(of: input, lines: gatedLines.map { decision.plan.targets[$0] })
        let sorted = gatedLines.map { decision.plan.targets[$0] }.sorted { ($0.role == .source ? 0 : 1, $0.profile) < ($1.role == .source ? 0 : 1, $1.profile) }
        let binding = ApprovalBinding(
            operation: operation, sourceProfile: source ?? gatedProfiles[0], previousSourceProfile: planned.movedFrom,
            targets: sorted.map { "\($0.profile):\($0.path)" }, generation: input.generation, inputs: planned.inputsDigest,
            fingerprint: operation == .delete ? input.previous?.latestVersion?.fingerprint : planned.content?.fingerprint,
            generatedFields: planned.plan.generatedFields)
        var policies: [ApprovalPolicy] = []
        for profile in ([source].compactMap { $0 } + gatedProfiles) {
            guard let approval = input.approvalProfiles[profile] else { continue }
            let policy = ApprovalPolicy(approval)
            if !policies.contains(policy) { policies.append(policy) }
        }
        if policies.isEmpty, let first = gatedProfiles.first.flatMap({ input.approvalProfiles[$0] }) { policies = [ApprovalPolicy(first)] }
        let verdict = evaluate(
            &file, binding: binding, policies: policies, changes: sorted.map(ApprovalTargetChange.init), input: input, decision: &decision)
        let request: ApprovalRequest
        switch verdict {
        case .proceed(let approved):
            decision.approved = approved
            decision.plan.approval = PlannedApproval(
                request: approved?.id, operation: operation.rawValue, state: .approved,
                message: approved.map { "approved by \($0.approvals.joined(separator: ", "))" } ?? "approved and performed")
            return
        case .hold(let held, let isNew):
            request = held
            decision.isNewRequest = isNew
        case .refused(let refused):
            request = refused
        }
        decision.request = request
        let refused = request.state == .rejected || request.state == .expired
        var message: String
        if decision.isNewRequest {
            message = "\(operation.rawValue) would wait for "
                + policies.map { "\($0.requiredApprovals) approvals (approval profile '\($0.profile)')" }.joined(separator: " and ")
        } else {
            message = refused ? refusalMessage(request) : request.waitingMessage
        }
        message = Self.noting(decision.tampered, message)
        decision.plan.approval = PlannedApproval(
            request: decision.isNewRequest ? nil : request.id, operation: operation.rawValue, state: refused ? .refused : .waiting,
            message: message)
        for index in gatedLines { decision.plan.targets[index].hold = .approval(message) }
    }

    /// The operation a request names: the largest change among the gated actions.
    private static func operation(of input: Input, lines: [PlannedTarget]) -> ApprovalOperation {
        if input.secret == nil { return .delete }
        if input.planned.movedFrom != nil { return .changeSource }
        let writes = lines.filter { $0.action.writes }
        guard !writes.isEmpty else { return .delete }
        // A create in every gated profile (a new secret, or a new copy) is a create; the
        // name stays the same from the pass that asks to the pass that performs.
        return writes.allSatisfy { $0.action == .create } ? .create : .update
    }

    enum Verdict {
        /// Approved (the request to mark performed), or performed already (nil).
        case proceed(ApprovalRequest?)
        case hold(ApprovalRequest, isNew: Bool)
        case refused(ApprovalRequest)
    }

    /// Expires a request past its time, finds the request that covers this change, and
    /// otherwise opens a new one (superseding an open request for another change).
    private static func evaluate(
        _ file: inout ApprovalFile, binding: ApprovalBinding, policies: [ApprovalPolicy], changes: [ApprovalTargetChange], input: Input,
        decision: inout Decision
    ) -> Verdict {
        let now = input.now
        if let latest = file.latest, latest.isExpired(at: now) {
            file.updateLatest { decision.events.append(ApprovalRules.expire(&$0, now: now)) }
        }
        if let latest = file.latest, latest.state != .superseded, latest.state != .expired, covers(latest, binding) {
            let problem = input.seal.map { $0.problem(with: latest) }
                ?? (latest.decisions.isEmpty && latest.state == .pending ? nil : "approvals.key cannot be read to check it")
            if let problem {
                // Refused and audited; a new request asks again.
                decision.tampered = problem
                decision.events.append(
                    ApprovalRules.event(latest, actor: "tresor", operation: "approval-tamper", outcome: "refused", message: problem, now: now))
                file.updateLatest {
                    decision.events.append(ApprovalRules.supersede(&$0, reason: "failed its integrity check: \(problem)", now: now))
                }
            }
        }
        var events = decision.events
        defer { decision.events = events }
        if let latest = file.latest, covers(latest, binding), !(latest.state.isOpen && latest.policies != policies) {
            switch latest.state {
            case .approved: return .proceed(latest)
            case .executed: return .proceed(nil)
            case .pending: return .hold(latest, isNew: false)
            case .rejected, .expired: return .refused(latest)
            case .superseded: break
            }
        }
        let primary = policies[0]
        let expiresAt = policies.compactMap(\.expiresAfterSeconds).min().map { now.addingTimeInterval(TimeInterval($0)) }
        var request = ApprovalRequest(
            id: input.newRequestID, secret: input.planned.plan.secret, binding: binding, requester: input.requester, policy: primary,
            state: .pending, createdAt: now, expiresAt: expiresAt, fromFingerprint: input.previous?.latestVersion?.fingerprint,
            decisions: [], closedAt: nil, closedReason: nil)
        request.additionalPolicies = policies.count > 1 ? Array(policies.dropFirst()) : nil
        request.cause = input.planned.sourceDrift ? .drift : nil
        request.changes = changes
        if let latest = file.latest, latest.state.isOpen {
            let reason = covers(latest, binding)
                ? "an approval profile changed; superseded by request \(request.id)"
                : "the manifest changed; superseded by request \(request.id)"
            file.updateLatest { events.append(ApprovalRules.supersede(&$0, reason: reason, now: now)) }
        }
        file.append(request)
        events.append(
            ApprovalRules.event(
                request, actor: input.requester, operation: "approval-request", outcome: "pending",
                message: policies.map { "\($0.requiredApprovals) approvals required from approval profile '\($0.profile)'" }
                    .joined(separator: "; "), now: now))
        return .hold(request, isNew: true)
    }

    /// True when `request` was made for this change. An approved request still covers
    /// the part of its change a partial failure left to do (same spec, same inputs, fewer
    /// targets), so a retry does not ask again.
    private static func covers(_ request: ApprovalRequest, _ binding: ApprovalBinding) -> Bool {
        if request.binding == binding { return true }
        guard request.state == .approved || request.state == .executed else { return false }
        let approved = request.binding
        return approved.operation == binding.operation && approved.generation == binding.generation && approved.inputs == binding.inputs
            && Set(binding.targets).isSubset(of: approved.targets)
            && (approved.fingerprint == nil || approved.fingerprint == binding.fingerprint)
    }

    /// No change waits for approval: a request still open asks for something the manifests
    /// no longer declare, and a delete request is void once the secret is declared again.
    private static func settle(_ file: inout ApprovalFile, declared: Bool, now: Date, events: inout [AuditEvent]) {
        guard let latest = file.latest else { return }
        let voidDelete = declared && latest.binding.operation == .delete && latest.state != .superseded && latest.state != .executed
        guard latest.state.isOpen || voidDelete else { return }
        let reason = voidDelete ? "the secret is declared again" : "the manifests no longer ask for this change"
        file.updateLatest { events.append(ApprovalRules.supersede(&$0, reason: reason, now: now)) }
    }

    /// `message`, preceded by why an earlier request was refused as tampered with.
    static func noting(_ tampered: String?, _ message: String) -> String {
        guard let tampered else { return message }
        return "the request that covered this change failed its integrity check (\(tampered)) and counts for nothing; " + message
    }

    static func refusalMessage(_ request: ApprovalRequest) -> String {
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
