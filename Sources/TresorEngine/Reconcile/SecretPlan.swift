import Foundation
import TresorCore

/// What a pass does, or would do, to one target of a secret.
public enum TargetAction: Sendable, Hashable, CustomStringConvertible {
    case create
    case update
    /// Take over an unmarked secret (`adopt: true`) and write the desired content.
    case adopt
    /// The new source of a moved secret gets exactly the content the old source holds.
    case move
    case delete
    /// Stop managing, leave the vault copy in place.
    case release
    case noop
    /// Cannot run; the reason says why and what to do.
    case blocked(String)

    public var description: String {
        switch self {
        case .create: "create"
        case .update: "update"
        case .adopt: "adopt"
        case .move: "move"
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

    /// Writes content to the target.
    public var writes: Bool {
        switch self {
        case .create, .update, .adopt, .move: true
        case .delete, .release, .noop, .blocked: false
        }
    }

    public var changesVault: Bool { writes || self == .delete }
}

/// A target found holding something other than what tresor recorded there.
public struct Drift: Sendable, Hashable {
    /// What tresor recorded at the target.
    public var recorded: String?
    /// What the target holds now; nil when the copy was deleted outside tresor.
    public var found: String?
    /// What the pass does about it.
    public var resolution: String

    public init(recorded: String?, found: String?, resolution: String) {
        self.recorded = recorded
        self.found = found
        self.resolution = resolution
    }
}

/// What happened to a planned target when the plan was executed.
public enum TargetOutcome: Sendable, Hashable {
    /// Written, deleted or released as planned.
    case done
    case failed(String)
    /// Not attempted, and why (held by a gate, or an earlier step failed).
    case skipped(String)
}

/// Why the gate holds a target's action.
public enum Hold: Sendable, Hashable {
    case approval(String)
    case compliance(String)

    public var message: String {
        switch self {
        case .approval(let text), .compliance(let text): text
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
    /// Nil while the content waits to be generated.
    public var toFingerprint: String?
    /// Field names whose values differ (never the values).
    public var changedFields: [String]
    /// The same names split into added, removed and changed; nil where what the target
    /// held was not read.
    public var fields: FieldChanges?
    public var note: String?
    public var drift: Drift?
    /// Set by the gate: the action waits (approval) or is kept out (compliance).
    public var hold: Hold?
    /// Set by the executor.
    public var outcome: TargetOutcome?
    /// The state the write expects to find (compare-and-set).
    var expected: ExpectedVersion = .absent
    /// The create was planned without reading the target (never recorded there): the
    /// vault's compare-and-set proves it empty, and a conflict means it must be observed.
    var assumedAbsent = false
    /// The write puts back content this target was last recorded holding (drift restored,
    /// a copy deleted outside tresor): it was approved already.
    var restoresRecorded = false
    /// The vault's version id of what the target holds, when it was read.
    var observedVaultVersion: String?
    /// A blocked action that may run by itself later (the vault was unreachable).
    var transient = false
    /// The profile is disabled: the target is left as it is and stays managed.
    var untouched = false
    /// The target holds exactly the content to write, without the mark (tresor's own create,
    /// cut off): the mark alone is written where the vault can.
    var marksOnly = false

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

    var isDelete: Bool { action == .delete }

    /// The action runs when executed: not blocked, not held.
    public var runs: Bool { hold == nil && !action.isBlocked && action != .noop }
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
    /// A line shown for a secret that the pass leaves alone on purpose (expired, disabled).
    public var notice: String?
    /// How the pass ended for this secret (set once the plan is gated or executed).
    public var result: ReconcileResult?

    public init(
        secret: String, state: SecretState, targets: [PlannedTarget] = [], error: String? = nil, generatedFields: [String] = [],
        pruned: Bool = false
    ) {
        self.secret = secret
        self.state = state
        self.targets = targets
        self.error = error
        self.generatedFields = generatedFields
        self.pruned = pruned
    }

    /// Something would change in a vault or in what tresor manages, or a target drifted.
    public var hasChanges: Bool {
        targets.contains { $0.action.changesVault || $0.action == .release || $0.drift != nil }
    }
    public var isBlocked: Bool { targets.contains { $0.action.isBlocked || $0.hold.map(Self.isCompliance) == true } }
    /// True when the changes wait for approval or were refused by it.
    public var isHeldForApproval: Bool { approval.map { $0.state != .approved } ?? false }
    public var drifted: [PlannedTarget] { targets.filter { $0.drift != nil } }

    private static func isCompliance(_ hold: Hold) -> Bool {
        if case .compliance = hold { return true }
        return false
    }
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

/// How one secret's reconcile ended, for the caller's queue (controller-runtime's
/// Result): come back after a while, retry with backoff, or stop until something changes.
public enum ReconcileResult: Sendable, Hashable {
    case converged(requeueAfter: Int)
    /// A failure that may pass (vault unreachable, a write failed): retry with backoff.
    case retry(String)
    /// Nothing will change until someone acts (not owned, profile missing, invalid
    /// content, waiting for approval, held by compliance): not retried with backoff.
    case stalled(String)

    public var isRetry: Bool {
        if case .retry = self { return true }
        return false
    }
}
