import Foundation

/// The lifecycle state of a Secret.
public enum SecretState: String, Sendable, Codable, CaseIterable {
    /// Declared, not yet written.
    case inactive
    case active
    case pendingApproval
    case rejected
    case failed
    /// Past `expiresAt`.
    case expired
    /// `enabled: false`: left untouched.
    case disabled
    /// Removed from the manifests under `deletionPolicy: Delete`: the vault copies were
    /// deleted; the history is kept and a re-declared secret continues its numbering.
    case deleted
    /// Removed from the manifests under `deletionPolicy: Retain`: the vault copies were left
    /// in place and are no longer managed; the history is kept.
    case released

    /// True for secrets that are no longer declared (`get secrets` hides them unless `--all`).
    public var isRemoved: Bool { self == .deleted || self == .released }
}

public enum ConditionType: String, Sendable, Codable, CaseIterable {
    case ready = "Ready"
    case synced = "Synced"
    case approved = "Approved"
    case compliant = "Compliant"
    /// A target holds something other than what tresor recorded there: changed outside tresor.
    case drifted = "Drifted"
}

public enum ConditionStatus: String, Sendable, Codable, CaseIterable {
    case `true` = "True"
    case `false` = "False"
    case unknown = "Unknown"
}

/// Why a condition is what it is; named so that tools can match on it.
public enum ConditionReason: String, Sendable, Codable, CaseIterable {
    case reconciled = "Reconciled"
    case created = "Created"
    case updated = "Updated"
    case upToDate = "UpToDate"
    case synced = "Synced"
    case noSyncTargets = "NoSyncTargets"
    case syncFailed = "SyncFailed"
    case sourceFailed = "SourceFailed"
    case resolveFailed = "ResolveFailed"
    case notOwned = "NotOwned"
    case disabled = "Disabled"
    case expired = "Expired"
    case externalMissing = "ExternalMissing"
    case pending = "Pending"
    case notRequired = "NotRequired"
    case notChecked = "NotChecked"
    case approved = "Approved"
    case rejected = "Rejected"
    case approvalExpired = "ApprovalExpired"
    case compliant = "Compliant"
    case nonCompliant = "NonCompliant"
    case complianceFailed = "ComplianceFailed"
    /// The daemon saw an edit of the secret's manifest file that does not validate.
    case manifestInvalid = "ManifestInvalid"
    /// A resolved or read value does not have its type's form (JWS, PEM, base64, keystore).
    case invalidContent = "InvalidContent"
    /// A vault profile the secret needs is not declared, or its adapter cannot be built.
    case profileUnavailable = "ProfileUnavailable"
    case driftDetected = "DriftDetected"
    case noDrift = "NoDrift"
    /// Removed from the manifests (`deleted` or `released`).
    case removed = "Removed"
}

public struct Condition: Sendable, Hashable {
    public var type: ConditionType
    public var status: ConditionStatus
    public var reason: ConditionReason
    public var message: String
    public var lastTransitionTime: Date

    public init(type: ConditionType, status: ConditionStatus, reason: ConditionReason, message: String, lastTransitionTime: Date) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.lastTransitionTime = lastTransitionTime
    }
}

/// One content version of a secret.
public struct SecretVersion: Sendable, Hashable {
    public var number: Int
    public var fingerprint: String
    public var vaultProfile: String
    public var vaultVersion: String?
    public var createdAt: Date

    public init(number: Int, fingerprint: String, vaultProfile: String, vaultVersion: String?, createdAt: Date) {
        self.number = number
        self.fingerprint = fingerprint
        self.vaultProfile = vaultProfile
        self.vaultVersion = vaultVersion
        self.createdAt = createdAt
    }
}

public enum TargetRole: String, Sendable, Codable, CaseIterable {
    case source
    case sync
}

/// What one vault profile holds of the secret, as last recorded.
public struct TargetStatus: Sendable, Hashable {
    public var role: TargetRole
    public var path: String
    public var fingerprint: String?
    public var vaultVersion: String?
    public var lastSyncedAt: Date?
    public var lastError: String?
    /// The result of this profile's ComplianceProfile on the content it holds or was to
    /// get (sync targets; the source's result is the secret's `compliance`).
    public var compliance: ComplianceStatus?

    public init(
        role: TargetRole, path: String, fingerprint: String? = nil, vaultVersion: String? = nil, lastSyncedAt: Date? = nil,
        lastError: String? = nil, compliance: ComplianceStatus? = nil
    ) {
        self.compliance = compliance
        self.role = role
        self.path = path
        self.fingerprint = fingerprint
        self.vaultVersion = vaultVersion
        self.lastSyncedAt = lastSyncedAt
        self.lastError = lastError
    }
}

/// `status/Secret/<name>.yaml`: everything tresor knows of one secret. No values.
public struct SecretStatus: Sendable, Equatable {
    public var name: String
    /// A digest of the spec this status was computed from.
    public var observedGeneration: String
    public var state: SecretState
    public var type: SecretType
    public var sourceProfile: String
    /// A digest of the declared inputs last written (non-generated values and
    /// generator parameters), for the no-read fast path.
    public var appliedInputs: String?
    public var conditions: [Condition]
    public var versions: [SecretVersion]
    public var targets: [String: TargetStatus]
    /// The last compliance evaluation; nil when the source profile carries no profile.
    public var compliance: ComplianceStatus?
    /// Where the Secret is declared.
    public var origin: ManifestOrigin?
    /// The Secret's `metadata.labels` (nil when it has none), for `get -l SELECTOR`.
    public var labels: [String: String]?
    public var lastReconciledAt: Date?
    /// The approval request the secret's change waits on or was refused by; nil when none.
    public var approval: ApprovalStatus?

    public init(name: String, type: SecretType, sourceProfile: String) {
        self.name = name
        self.observedGeneration = ""
        self.state = .inactive
        self.type = type
        self.sourceProfile = sourceProfile
        self.conditions = []
        self.versions = []
        self.targets = [:]
    }

    public var latestVersion: SecretVersion? { versions.last }

    /// True when `previous` is this status apart from `lastReconciledAt` (and the
    /// compliance `checkedAt`, its twin).
    public func differsOnlyInTime(from previous: SecretStatus?) -> Bool {
        guard let previous else { return false }
        var comparable = self
        comparable.lastReconciledAt = previous.lastReconciledAt
        if let checkedAt = previous.compliance?.checkedAt { comparable.compliance?.checkedAt = checkedAt }
        return comparable == previous
    }

    public func condition(_ type: ConditionType) -> Condition? { conditions.first { $0.type == type } }

    /// Sets a condition, keeping its transition time when its status does not change.
    public mutating func setCondition(
        _ type: ConditionType, _ status: ConditionStatus, _ reason: ConditionReason, _ message: String, now: Date
    ) {
        let transition = condition(type).flatMap { $0.status == status ? $0.lastTransitionTime : nil } ?? now
        let updated = Condition(type: type, status: status, reason: reason, message: message, lastTransitionTime: transition)
        if let index = conditions.firstIndex(where: { $0.type == type }) {
            conditions[index] = updated
        } else {
            conditions.append(updated)
            conditions.sort { ConditionType.allCases.firstIndex(of: $0.type)! < ConditionType.allCases.firstIndex(of: $1.type)! }
        }
    }

    /// Appends a version numbered after the last one.
    public mutating func appendVersion(fingerprint: String, vaultProfile: String, vaultVersion: String?, at now: Date) {
        let number = (versions.last?.number ?? 0) + 1
        versions.append(
            SecretVersion(number: number, fingerprint: fingerprint, vaultProfile: vaultProfile, vaultVersion: vaultVersion, createdAt: now))
    }
}

/// `inventory.yaml`: every secret tresor manages and where, so that a Secret removed
/// from the manifests is pruned exactly.
public struct Inventory: Sendable, Encodable, Equatable {
    public struct Entry: Sendable, Encodable, Hashable {
        public var type: SecretType
        public var deletionPolicy: DeletionPolicy
        /// Vault profile → path.
        public var targets: [String: String]

        public init(type: SecretType, deletionPolicy: DeletionPolicy, targets: [String: String]) {
            self.type = type
            self.deletionPolicy = deletionPolicy
            self.targets = targets
        }
    }

    public var secrets: [String: Entry]

    public init(secrets: [String: Entry] = [:]) {
        self.secrets = secrets
    }
}

extension DeletionPolicy: Codable {}
