import Foundation
import TresorCore

/// Why a decision was refused; the message says what to do. Nothing was changed.
public struct ApprovalRefusal: Error, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        /// No such request, or no open request for the secret.
        case notFound
        /// The identity may not decide this request (not an approver, or self-approval).
        case forbidden
        /// The request is closed: superseded, expired, rejected, executed.
        case closed
    }

    public var kind: Kind
    public var description: String
}

/// The approval rules, without I/O: who may decide, how approvals are counted, when a
/// request expires. Used by `tresor approve|reject` and by the HTTP API alike.
public enum ApprovalRules {
    /// Records one decision on `request` (which must be the secret's latest request).
    /// - Returns: the audit events to append.
    /// - Throws: ``ApprovalRefusal`` when the decision is not allowed; `request` is then unchanged.
    public static func decide(
        _ request: inout ApprovalRequest, verdict: ApprovalDecision.Verdict, identity: String, comment: String?, now: Date
    ) throws -> [AuditEvent] {
        var events: [AuditEvent] = []
        if request.isExpired(at: now) {
            events.append(expire(&request, now: now))
        }
        switch request.state {
        case .pending: break
        case .approved where verdict == .approve:
            throw ApprovalRefusal(kind: .closed, description: "request \(request.id) is already approved; the next apply performs it")
        case .approved: break
        case .superseded:
            throw ApprovalRefusal(
                kind: .closed,
                description: "request \(request.id) is stale: \(request.closedReason ?? "the manifest changed"). Nothing was changed; "
                    + "run `tresor get approvals` and decide on the current request")
        case .expired:
            throw ApprovalRefusal(
                kind: .closed,
                description: "request \(request.id) expired at \(request.expiresAt.map(StatusCoding.formatDate) ?? "?") and counts as "
                    + "rejected; change the manifest (or apply again after a change) to ask again")
        case .rejected:
            throw ApprovalRefusal(
                kind: .closed, description: "request \(request.id) was already rejected by \(request.rejection?.identity ?? "?")")
        case .executed:
            throw ApprovalRefusal(kind: .closed, description: "request \(request.id) was approved and has been performed")
        }
        guard request.policies.contains(where: { $0.approvers.contains(identity) }) else {
            throw ApprovalRefusal(
                kind: .forbidden,
                description: "'\(identity)' is not an approver of approval profile '\(request.policy.profile)' "
                    + "(approvers: \(Array(Set(request.policies.flatMap(\.approvers))).sorted().joined(separator: ", ")))")
        }
        if verdict == .approve, identity == request.requester,
            request.policies.contains(where: { $0.approvers.contains(identity) && !$0.allowSelfApproval })
        {
            throw ApprovalRefusal(
                kind: .forbidden,
                description: "'\(identity)' requested this change and cannot approve it (approval profile '\(request.policy.profile)' "
                    + "sets allowSelfApproval: false); another approver must")
        }
        if verdict == .approve, request.approvals.contains(identity) {
            throw ApprovalRefusal(
                kind: .closed,
                description: "'\(identity)' already approved request \(request.id); each identity counts once "
                    + "(\(request.approvals.count) of \(request.policy.requiredApprovals))")
        }
        request.decisions.append(ApprovalDecision(identity: identity, verdict: verdict, comment: comment, at: now))
        var closing: String?
        switch verdict {
        case .reject:
            request.state = .rejected
            request.closedAt = now
            request.closedReason = "rejected by \(identity)"
            closing = "rejected"
        case .approve where request.isSatisfied:
            request.state = .approved
            closing = "approved"
        case .approve:
            break
        }
        events.append(
            event(request, actor: identity, operation: verdict == .approve ? "approve" : "reject", outcome: closing ?? "recorded",
                message: comment, now: now))
        return events
    }

    /// Marks a pending request expired.
    static func expire(_ request: inout ApprovalRequest, now: Date) -> AuditEvent {
        request.state = .expired
        request.closedAt = now
        request.closedReason = "expired at \(request.expiresAt.map(StatusCoding.formatDate) ?? "?") without enough approvals"
        return event(request, actor: "tresor", operation: "approval-expire", outcome: "expired", message: request.closedReason, now: now)
    }

    /// Marks an approved request performed.
    static func markPerformed(_ request: inout ApprovalRequest, now: Date) -> AuditEvent {
        request.state = .executed
        request.closedAt = now
        request.closedReason = "performed"
        return event(
            request, actor: "tresor", operation: "approval-execute", outcome: "success",
            message: "approved by \(request.approvals.joined(separator: ", "))", now: now)
    }

    /// Marks an open request superseded.
    static func supersede(_ request: inout ApprovalRequest, reason: String, now: Date) -> AuditEvent {
        request.state = .superseded
        request.closedAt = now
        request.closedReason = reason
        return event(request, actor: "tresor", operation: "approval-supersede", outcome: "superseded", message: reason, now: now)
    }

    static func event(_ request: ApprovalRequest, actor: String, operation: String, outcome: String, message: String?, now: Date)
        -> AuditEvent
    {
        let described = ["request \(request.id)", request.binding.operation.rawValue, message].compactMap { $0 }.joined(separator: ": ")
        return AuditEvent(
            time: now, actor: actor, secret: request.secret, vaultProfile: request.binding.sourceProfile, operation: operation,
            outcome: outcome, fingerprint: request.binding.fingerprint, previousFingerprint: request.fromFingerprint,
            message: described)
    }
}
