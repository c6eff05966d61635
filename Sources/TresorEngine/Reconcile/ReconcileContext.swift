import Foundation
import TresorCore

/// What every secret's pass shares: adapters, keys, value sources, the gates' rules of
/// this desired state, the clock reading and the actor.
public struct ReconcileContext: Sendable {
    public var registry: VaultRegistry
    public var fingerprinter: Fingerprinter
    public var resolver: ValueResolver
    public var store: StateStore
    public var actor: String
    public var requester: ApprovalRequester
    public var now: Date
    /// Vault profile → the approval profile it carries.
    public var approvalProfiles: [String: ApprovalProfile]
    /// Compliance profiles by vault profile, and what their rules need from other secrets.
    public var compliance: ComplianceSetup
    /// Checks approval decisions; nil when none can be checked (no key).
    public var seal: ApprovalSeal?
    /// Where each vault write is recorded as requested before it is made; nil for `plan`.
    public var audit: AuditLog?

    public init(
        registry: VaultRegistry, fingerprinter: Fingerprinter, resolver: ValueResolver, store: StateStore, actor: String,
        requester: ApprovalRequester, now: Date, desired: DesiredState, compliance: ComplianceSetup
    ) {
        self.registry = registry
        self.fingerprinter = fingerprinter
        self.resolver = resolver
        self.store = store
        self.actor = actor
        self.requester = requester
        self.now = now
        var approvals: [String: ApprovalProfile] = [:]
        for (name, vaultProfile) in desired.vaultProfiles {
            if let approval = vaultProfile.spec.approvalProfile.flatMap({ desired.approvalProfiles[$0] }) { approvals[name] = approval }
        }
        self.approvalProfiles = approvals
        self.vaultProfiles = desired.vaultProfiles
        self.compliance = compliance
        self.seal = approvals.isEmpty ? nil : try? store.approvalSeal()
        self.approvalStore = ApprovalStore(stateStore: store)
        self.observer = Observer(
            registry: registry, fingerprinter: fingerprinter, compliance: compliance, gatedProfiles: Set(approvals.keys),
            approvals: approvalStore)
    }

    let approvalStore: ApprovalStore
    /// Made once per pass, not once per secret.
    let observer: Observer
    let vaultProfiles: [String: VaultProfile]

    /// The tightest size limit of the vaults `secret` is written to.
    func valueLimit(for secret: Secret) -> ValueLimit? {
        ValueLimit.tightest(of: ([secret.spec.vaultProfile] + secret.spec.syncVaultProfiles).compactMap { vaultProfiles[$0] })
    }
}

/// The result of one secret's pass.
public struct SecretOutcome: Sendable {
    public var plan: SecretPlan
    /// The status recorded (apply only).
    public var status: SecretStatus?
    public var audit: [AuditEvent]
    public var writes: Int
    /// The secret did not converge for a reason other than a gate's hold.
    public var failed: Bool
    /// Where the secret is managed after this pass: profile → path; nil once it is gone.
    public var managedTargets: [String: String]?
    public var result: ReconcileResult
}
