import TresorCore

/// What one pass does, or would do, to one target of a secret.
public enum TargetAction: Sendable, Hashable, CustomStringConvertible {
    case create
    case update
    /// Take over an unmarked secret (`adopt: true`) and write the desired content.
    case adopt
    case delete
    /// Stop managing, leave the vault copy in place.
    case release
    case noop
    case blocked(String)

    public var description: String {
        switch self {
        case .create: "create"
        case .update: "update"
        case .adopt: "adopt"
        case .delete: "delete"
        case .release: "release"
        case .noop: "noop"
        case .blocked: "blocked"
        }
    }

    public var isBlocked: Bool {
        if case .blocked = self { return true }
        return false
    }

    public var changesVault: Bool {
        switch self {
        case .create, .update, .adopt, .delete: true
        case .release, .noop, .blocked: false
        }
    }
}

/// One target's line of a plan: the action and a redacted diff.
public struct PlannedTarget: Sendable, Hashable {
    public var profile: String
    public var role: TargetRole
    public var path: String
    public var action: TargetAction
    public var fromFingerprint: String?
    public var toFingerprint: String?
    /// Field names whose values differ (never the values).
    public var changedFields: [String]
    public var note: String?

    public init(
        profile: String, role: TargetRole, path: String, action: TargetAction, fromFingerprint: String? = nil,
        toFingerprint: String? = nil, changedFields: [String] = [], note: String? = nil
    ) {
        self.profile = profile
        self.role = role
        self.path = path
        self.action = action
        self.fromFingerprint = fromFingerprint
        self.toFingerprint = toFingerprint
        self.changedFields = changedFields
        self.note = note
    }
}

/// Everything a pass does, or would do, for one secret.
public struct SecretPlan: Sendable {
    public var secret: String
    public var state: SecretState
    public var targets: [PlannedTarget]
    /// Why nothing could be planned (resolution failed, vault unreachable, …).
    public var error: String?
    /// Fields that will get a newly generated value.
    public var generatedFields: [String]
    /// True when the Secret was removed from the manifests and is pruned.
    public var pruned: Bool
    /// Set when the secret's change is governed by an approval profile.
    public var approval: PlannedApproval?
    /// The overall compliance result after the pass; nil when no profile applies.
    public var compliance: ComplianceOverall?

    public init(secret: String, state: SecretState, targets: [PlannedTarget] = [], error: String? = nil, generatedFields: [String] = [], pruned: Bool = false) {
        self.secret = secret
        self.state = state
        self.targets = targets
        self.error = error
        self.generatedFields = generatedFields
        self.pruned = pruned
    }

    public var hasChanges: Bool { targets.contains { $0.action.changesVault || $0.action == .release } }
    public var isBlocked: Bool { targets.contains { $0.action.isBlocked } }
    /// True when the changes wait for approval or were refused by it.
    public var isHeldForApproval: Bool { approval.map { $0.state != .approved } ?? false }
}

/// The approval state of a secret's planned change.
public struct PlannedApproval: Sendable, Hashable {
    public enum State: String, Sendable, Hashable {
        /// Approved: the change is performed (in a plan: would be).
        case approved
        /// Waits for approvals (in a plan: a request would be made, or one is open).
        case waiting
        /// Rejected or expired: nothing happens until the manifest changes.
        case refused
    }

    /// The request id; nil when a plan would make a new request.
    public var request: String?
    public var operation: String
    public var state: State
    public var message: String

    public init(request: String?, operation: String, state: State, message: String) {
        self.request = request
        self.operation = operation
        self.state = state
        self.message = message
    }
}
