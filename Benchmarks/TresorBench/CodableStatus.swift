import Foundation
import TresorCore

/// A status file's members with the conformances the compiler writes: what the generic
/// Codable path (``StatusCoding``'s for the other state files) makes of a status. Only
/// this bench has it — tresor writes and reads statuses through their hand-built tree and
/// reader alone — to show what those save; `statusCodecBenchmark` checks that both give
/// the same bytes.
struct CodableStatus: Codable, Equatable {
    struct Condition: Codable, Equatable {
        var type: ConditionType
        var status: ConditionStatus
        var reason: ConditionReason
        var message: String
        var lastTransitionTime: Date
    }

    struct Version: Codable, Equatable {
        var number: Int
        var fingerprint: String
        var vaultProfile: String
        var vaultVersion: String?
        var createdAt: Date
    }

    struct Target: Codable, Equatable {
        var role: TargetRole
        var path: String
        var fingerprint: String?
        var vaultVersion: String?
        var lastSyncedAt: Date?
        var lastError: String?
        var compliance: Compliance?
    }

    struct Rule: Codable, Equatable {
        var name: String
        var kind: String
        var result: RuleOutcome
        var message: String
        var field: String?
        var validUntil: Date?
    }

    struct Compliance: Codable, Equatable {
        var profile: String
        var enforcement: String
        var overall: ComplianceOverall
        var rules: [Rule]
        var fingerprint: String?
        var rulesDigest: String
        var checkedAt: Date
        var message: String?
    }

    struct Origin: Codable, Equatable {
        var file: String
        var line: Int
        var column: Int
    }

    struct Approval: Codable, Equatable {
        var request: String
        var operation: String
        var state: String
        var requester: String
        var approvals: [String]
        var requiredApprovals: Int
        var requestedAt: Date
        var expiresAt: Date?
    }

    var name: String
    var observedGeneration: String
    var state: SecretState
    var type: SecretType
    var sourceProfile: String
    var appliedInputs: String?
    var conditions: [Condition]
    var versions: [Version]
    var targets: [String: Target]
    var compliance: Compliance?
    var origin: Origin?
    var labels: [String: String]?
    var lastReconciledAt: Date?
    var approval: Approval?
}
