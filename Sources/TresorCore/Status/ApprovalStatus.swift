import Foundation

/// `status.approval`: the request a secret's change waits on (or was refused by), as the
/// engine last saw it. The request itself, with every decision, lives in the state
/// directory's `approvals/` store.
public struct ApprovalStatus: Sendable, Equatable {
    /// The request id to pass to `tresor approve --request`.
    public var request: String
    /// `create`, `update`, `delete` or `changeSource`; `drift` for an update caused by drift.
    public var operation: String
    /// `pending`, `rejected` or `expired`.
    public var state: String
    public var requester: String
    /// Distinct identities that approved so far.
    public var approvals: [String]
    public var requiredApprovals: Int
    public var requestedAt: Date
    public var expiresAt: Date?

    public init(
        request: String, operation: String, state: String, requester: String, approvals: [String], requiredApprovals: Int,
        requestedAt: Date, expiresAt: Date?
    ) {
        self.request = request
        self.operation = operation
        self.state = state
        self.requester = requester
        self.approvals = approvals
        self.requiredApprovals = requiredApprovals
        self.requestedAt = requestedAt
        self.expiresAt = expiresAt
    }
}
