import Foundation
import TresorCore

public enum ReconcileMode: Sendable {
    /// Observe and compute actions; write nothing.
    case plan
    /// Observe, write, record.
    case apply
}

/// What every secret's pass shares: adapters, keys, the clock reading and the actor.
public struct ReconcileContext: Sendable {
    public var registry: VaultRegistry
    public var fingerprinter: Fingerprinter
    public var resolver: ValueResolver
    public var actor: String
    public var now: Date
    public var mode: ReconcileMode
    /// Approval enforcement; nil when nothing is gated.
    public var approvals: ApprovalGate?
    /// Compliance profiles by vault profile, and what their rules need from other secrets.
    public var compliance = ComplianceSetup()

    public init(
        registry: VaultRegistry, fingerprinter: Fingerprinter, resolver: ValueResolver, actor: String, now: Date, mode: ReconcileMode,
        approvals: ApprovalGate? = nil
    ) {
        self.registry = registry
        self.fingerprinter = fingerprinter
        self.resolver = resolver
        self.actor = actor
        self.now = now
        self.mode = mode
        self.approvals = approvals
    }
}

/// The result of one secret's pass.
public struct SecretOutcome: Sendable {
    public var plan: SecretPlan
    /// The status to record (apply mode only).
    public var status: SecretStatus?
    public var audit: [AuditEvent]
    public var writes: Int
    public var failed: Bool
    /// Where the secret is managed after this pass: profile → path.
    public var managedTargets: [String: String]
}

/// A failure that stops a secret's pass, with a message a user can act on.
struct ReconcileFailure: Error {
    var reason: ConditionReason
    var message: String
}
