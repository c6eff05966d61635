import Foundation
import TresorCore

/// The change a request asks approval for.
public enum ApprovalOperation: String, Sendable, Codable, CaseIterable {
    case create, update, delete, changeSource
    /// A vault profile's approval or compliance rules loosened (`vaultprofile:<name>`).
    case ruleChange
}

public enum ApprovalRequestState: String, Sendable, Codable {
    /// Waiting for decisions.
    case pending
    /// Enough distinct approvers approved; the next pass performs the change.
    case approved
    /// One approver rejected it.
    case rejected
    /// `expiresAfter` passed while it was pending; treated as rejected.
    case expired
    /// The manifest changed while it was open: a newer request replaced it.
    case superseded
    /// The approved change was performed.
    case executed

    /// True while a decision can still change what happens.
    public var isOpen: Bool { self == .pending || self == .approved }
}

/// Exactly what a request lets the executor do. Two bindings are equal only when they
/// describe the same change: the executor compares the binding it is about to perform
/// with the approved one and writes only when they are equal.
///
/// Generated values: a value that does not exist yet cannot be shown to an approver, and
/// generating it before approval would mean keeping a secret value outside the vault. So
/// a change that generates values is bound to the generator parameters (their digests,
/// part of `inputs`) and to the list of fields to be generated; `fingerprint` is then nil
/// and the value is made once, by the approved write. A change without new values is
/// bound to the keyed fingerprint of the whole desired content as well.
public struct ApprovalBinding: Sendable, Codable, Hashable {
    public var operation: ApprovalOperation
    public var sourceProfile: String
    /// The source before a change of source.
    public var previousSourceProfile: String?
    /// `profile:path` of every target, source first, then the sync targets sorted.
    public var targets: [String]
    /// The spec generation (`status.observedGeneration`) the change was computed from.
    public var generation: String
    /// Keyed digest of the declared inputs (resolved values, generator digests).
    public var inputs: String?
    /// Keyed fingerprint of the content to write (or, for a delete, of the content deleted).
    public var fingerprint: String?
    /// Fields that get a newly generated value.
    public var generatedFields: [String]

    public init(
        operation: ApprovalOperation, sourceProfile: String, previousSourceProfile: String? = nil, targets: [String], generation: String,
        inputs: String? = nil, fingerprint: String? = nil, generatedFields: [String] = []
    ) {
        self.operation = operation
        self.sourceProfile = sourceProfile
        self.previousSourceProfile = previousSourceProfile
        self.targets = targets
        self.generation = generation
        self.inputs = inputs
        self.fingerprint = fingerprint
        self.generatedFields = generatedFields
    }
}

/// The approval profile's rules as they were when the request was made, so that
/// `tresor approve` can decide from the state directory alone.
public struct ApprovalPolicy: Sendable, Codable, Hashable {
    public var profile: String
    public var requiredApprovals: Int
    public var approvers: [String]
    public var allowSelfApproval: Bool
    public var expiresAfterSeconds: Int?
    /// `cliIdentity: declared`: `tresor approve --as ID` without a token is accepted.
    public var allowsDeclaredIdentity: Bool?

    public init(_ profile: ApprovalProfile) {
        self.profile = profile.name
        requiredApprovals = profile.spec.requiredApprovals
        approvers = profile.spec.approvers.map(ApprovalIdentity.normalized)
        allowsDeclaredIdentity = profile.spec.cliIdentity == .declared ? true : nil
        allowSelfApproval = profile.spec.allowSelfApproval
        expiresAfterSeconds = profile.spec.expiresAfter?.seconds
    }
}

public struct ApprovalDecision: Sendable, Codable, Equatable {
    public enum Verdict: String, Sendable, Codable { case approve, reject }

    public var identity: String
    public var verdict: Verdict
    public var comment: String?
    public var at: Date
    /// `ApprovalSeal`'s MAC over the request and this decision.
    public var mac: String?
}

/// One request for approval of one change of one secret.
public struct ApprovalRequest: Sendable, Codable, Equatable {
    public var id: String
    public var secret: String
    public var binding: ApprovalBinding
    public var requester: String
    /// The approval profile of the source (or of the first gated profile).
    public var policy: ApprovalPolicy
    /// The approval profiles of the other gated profiles the change touches; each must be
    /// satisfied as well.
    public var additionalPolicies: [ApprovalPolicy]?
    public var state: ApprovalRequestState
    public var createdAt: Date
    public var expiresAt: Date?
    /// What the source held when the request was made (nil when nothing).
    public var fromFingerprint: String?
    public var decisions: [ApprovalDecision]
    public var closedAt: Date?
    /// Why it was closed (superseded by which request, expired when, …).
    public var closedReason: String?
    /// Set when the operation alone does not say why (an update caused by drift).
    public var cause: ApprovalCause?
    /// What it changes at each target, for approvers; not part of the binding.
    public var changes: [ApprovalTargetChange]?
    /// How a rule change loosens the vault profile's rules, for approvers (`ruleChange`).
    public var ruleChanges: [String]?

    /// Distinct identities that approved, in the order they did.
    public var approvals: [String] {
        var seen = Set<String>()
        return decisions.filter { $0.verdict == .approve && seen.insert($0.identity).inserted }.map(\.identity)
    }

    public var rejection: ApprovalDecision? { decisions.first { $0.verdict == .reject } }

    /// Every approval profile whose rules the request must satisfy.
    public var policies: [ApprovalPolicy] { [policy] + (additionalPolicies ?? []) }

    /// True when every policy has its required number of distinct approvals from its own
    /// approvers (the requester counting only where self-approval is allowed).
    public var isSatisfied: Bool {
        policies.allSatisfy { policy in
            approvals.count { policy.approvers.contains($0) && (policy.allowSelfApproval || $0 != requester) } >= policy.requiredApprovals
        }
    }

    public func isExpired(at now: Date) -> Bool {
        guard state == .pending, let expiresAt else { return false }
        return expiresAt <= now
    }

    /// `<secret>~<8 hex>`: the secret is part of the id, so a request is found from its
    /// id alone (the HTTP API) without scanning every secret's file.
    static func newID(secret: String) -> String {
        // Without String(format:), which costs more than the rest of a settled secret's gate.
        let hex = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return secret + "~" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// The secret named by an id, nil when the id has no such shape.
    public static func secret(ofID id: String) -> String? {
        guard let tilde = id.lastIndex(of: "~"), tilde != id.startIndex else { return nil }
        return String(id[..<tilde])
    }

    /// The summary recorded in the secret's status.
    public var summary: ApprovalStatus {
        ApprovalStatus(
            request: id, operation: shownOperation, state: state.rawValue, requester: requester, approvals: approvals,
            requiredApprovals: policy.requiredApprovals, requestedAt: createdAt, expiresAt: expiresAt)
    }

    /// One line for conditions and messages: what it asks and what it waits for.
    public var waitingMessage: String {
        let missing = max(0, policy.requiredApprovals - approvals.count)
        let others = Array(Set(policies.flatMap { policy in
            policy.approvers.filter { !approvals.contains($0) && (policy.allowSelfApproval || $0 != requester) }
        })).sorted()
        return "\(binding.operation.rawValue) waits for approval (request \(id), requested by \(requester)): "
            + "\(approvals.count) of \(policy.requiredApprovals) approvals; \(missing) more needed from "
            + others.joined(separator: ", ") + "; run `tresor approve \(secret) --request \(id) --as IDENTITY`"
    }
}

/// `approvals/<secret>.yaml`: the secret's requests, oldest first. Only the last one
/// can be open; the earlier ones are kept as history (the last `historyLimit`).
public struct ApprovalFile: Sendable, Codable, Equatable {
    public static let historyLimit = 20

    public var requests: [ApprovalRequest]

    public init(requests: [ApprovalRequest] = []) {
        self.requests = requests
    }

    public var latest: ApprovalRequest? { requests.last }

    mutating func updateLatest(_ change: (inout ApprovalRequest) -> Void) {
        guard !requests.isEmpty else { return }
        change(&requests[requests.count - 1])
    }

    mutating func append(_ request: ApprovalRequest) {
        requests.append(request)
        if requests.count > Self.historyLimit { requests.removeFirst(requests.count - Self.historyLimit) }
    }
}
