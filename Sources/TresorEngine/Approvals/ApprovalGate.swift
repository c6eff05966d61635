import Foundation
import TresorCore

/// Who asks for approval of the changes a run makes.
public enum ApprovalRequester: Sendable, Hashable {
    /// This identity, whatever the manifests say (`tresor apply --as ID`).
    case identity(String)
    /// The Secret's `tresor.dev/requested-by` annotation, else this identity.
    case annotation(default: String)

    /// The daemon's: the annotation, else `gitops`.
    public static let gitops = ApprovalRequester.annotation(default: "gitops")
    public static let annotationKey = "tresor.dev/requested-by"

    func identity(for secret: Secret?) -> String {
        switch self {
        case .identity(let identity): identity
        case .annotation(let fallback): secret?.metadata.annotations[Self.annotationKey] ?? fallback
        }
    }
}

/// The engine's side of approvals: decides, for one change of one secret, whether it may
/// proceed, waits, or was refused, and keeps the secret's requests in step (creates,
/// expires and supersedes them). Writes only in apply mode.
public struct ApprovalGate: Sendable {
    public enum Verdict: Sendable {
        /// Approved (the request to mark performed after the write), or performed already (nil).
        case proceed(ApprovalRequest?)
        /// Waiting for decisions (in a plan, possibly a request not yet made).
        case hold(ApprovalRequest)
        /// Rejected or expired: nothing happens until the manifest changes.
        case refused(ApprovalRequest)
    }

    public let store: ApprovalStore
    public let stateStore: StateStore
    public let requester: ApprovalRequester
    /// Vault profile → the approval profile it carries.
    let profiles: [String: ApprovalProfile]

    public init(desired: DesiredState, stateStore: StateStore, requester: ApprovalRequester) {
        self.store = ApprovalStore(stateStore: stateStore)
        self.stateStore = stateStore
        self.requester = requester
        var profiles: [String: ApprovalProfile] = [:]
        for (name, vaultProfile) in desired.vaultProfiles {
            if let approval = vaultProfile.spec.approvalProfile.flatMap({ desired.approvalProfiles[$0] }) { profiles[name] = approval }
        }
        self.profiles = profiles
    }

    public func policy(for vaultProfile: String) -> ApprovalProfile? { profiles[vaultProfile] }

    /// Decides on `binding`. In apply mode, under the secret's lock: expires a request past
    /// its time, supersedes an open request for another change, and makes a new request
    /// when none covers this change.
    func evaluate(
        secret: String, binding: ApprovalBinding, policy: ApprovalProfile, requester: String, fromFingerprint: String?, now: Date,
        mode: ReconcileMode
    ) throws -> (Verdict, [AuditEvent]) {
        let snapshot = ApprovalPolicy(policy)
        func decide(_ file: inout ApprovalFile) -> (Verdict, [AuditEvent]) {
            var events: [AuditEvent] = []
            if let latest = file.latest, latest.isExpired(at: now) {
                file.updateLatest { events.append(ApprovalRules.expire(&$0, now: now)) }
            }
            if let latest = file.latest, latest.binding == binding, !(latest.state.isOpen && latest.policy != snapshot) {
                switch latest.state {
                case .approved: return (.proceed(latest), events)
                case .executed: return (.proceed(nil), events)
                case .pending: return (.hold(latest), events)
                case .rejected, .expired: return (.refused(latest), events)
                case .superseded: break
                }
            }
            let expiresAt = policy.spec.expiresAfter.map { now.addingTimeInterval(TimeInterval($0.seconds)) }
            let request = ApprovalRequest(
                id: mode == .apply ? ApprovalRequest.newID(secret: secret) : "(new)", secret: secret, binding: binding,
                requester: requester, policy: snapshot, state: .pending, createdAt: now, expiresAt: expiresAt,
                fromFingerprint: fromFingerprint, decisions: [], closedAt: nil, closedReason: nil)
            if let latest = file.latest, latest.state.isOpen {
                let reason = latest.binding == binding
                    ? "approval profile '\(policy.name)' changed; superseded by request \(request.id)"
                    : "the manifest changed; superseded by request \(request.id)"
                file.updateLatest { events.append(ApprovalRules.supersede(&$0, reason: reason, now: now)) }
            }
            file.append(request)
            events.append(
                ApprovalRules.event(
                    request, actor: requester, operation: "approval-request", outcome: "pending",
                    message: "\(policy.spec.requiredApprovals) approvals required from approval profile '\(policy.name)'", now: now))
            return (.hold(request), events)
        }
        guard mode == .apply else {
            var file = try store.read(secret)
            return (decide(&file).0, [])
        }
        return try store.update(secret) { decide(&$0) }
    }

    /// Marks an approved request performed, after its change was written.
    func complete(_ request: ApprovalRequest, now: Date) -> [AuditEvent] {
        do {
            return try store.update(request.secret) { file in
                guard file.latest?.id == request.id, file.latest?.state == .approved else { return [] }
                file.updateLatest {
                    $0.state = .executed
                    $0.closedAt = now
                    $0.closedReason = "performed"
                }
                return [
                    ApprovalRules.event(
                        request, actor: "tresor", operation: "approval-execute", outcome: "success",
                        message: "approved by \(request.approvals.joined(separator: ", "))", now: now)
                ]
            }
        } catch {
            return [
                ApprovalRules.event(
                    request, actor: "tresor", operation: "approval-execute", outcome: "failure",
                    message: "performed, but the request could not be marked so: \(error)", now: now)
            ]
        }
    }

    /// After a pass that needed no approval: a request still open asks for a change the
    /// manifests no longer declare, and a delete request is void once the secret is
    /// declared again. Both are superseded.
    func settle(secret: String, now: Date) throws -> [AuditEvent] {
        func unsettled(_ request: ApprovalRequest?) -> Bool {
            guard let request else { return false }
            return request.state.isOpen
                || (request.binding.operation == .delete && request.state != .superseded && request.state != .executed)
        }
        // Read first without the lock: most passes find nothing to do.
        guard unsettled(try store.read(secret).latest) else { return [] }
        return try store.update(secret) { file in
            guard let latest = file.latest, unsettled(latest) else { return [] }
            let reason = latest.binding.operation == .delete
                ? "the secret is declared again" : "the manifests no longer ask for this change"
            var events: [AuditEvent] = []
            file.updateLatest { events.append(ApprovalRules.supersede(&$0, reason: reason, now: now)) }
            return events
        }
    }
}
