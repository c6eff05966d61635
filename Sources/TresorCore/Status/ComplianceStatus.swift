import Foundation

/// The result of one compliance rule for one secret.
public enum RuleOutcome: String, Sendable, Codable, CaseIterable {
    case ok, nok
    /// The rule does not apply to this secret (its type, or `appliesTo`).
    case na
    /// The rule applies but could not be evaluated (content unreadable, encrypted, …).
    case notAvailable
}

/// A secret's compliance as a whole.
public enum ComplianceOverall: String, Sendable, Codable, CaseIterable {
    case ok, nok, na
    /// Not evaluated yet: the secret is disabled, expired, or every pass so far stopped
    /// before its content was known.
    case notChecked
    /// The evaluation itself could not run (the source could not be read).
    case failed

    /// The rule: `nok` when a rule is `nok` or `notAvailable`, else `na` when a
    /// rule is `na`, else `ok`.
    public static func combining(_ outcomes: [RuleOutcome]) -> ComplianceOverall {
        if outcomes.contains(where: { $0 == .nok || $0 == .notAvailable }) { return .nok }
        if outcomes.contains(.na) { return .na }
        return .ok
    }
}

/// One rule's recorded result. The message says what to do and never holds a value.
public struct RuleResult: Sendable, Hashable {
    public var name: String
    /// The rule kind (`minLength`, `jwt`, …).
    public var kind: String
    public var result: RuleOutcome
    public var message: String
    /// The content field the result is about, when there is one.
    public var field: String?
    /// When an `ok` stops being one without any change (a JWT's `exp`).
    public var validUntil: Date?

    public init(name: String, kind: String, result: RuleOutcome, message: String, field: String? = nil, validUntil: Date? = nil) {
        self.name = name
        self.kind = kind
        self.result = result
        self.message = message
        self.field = field
        self.validUntil = validUntil
    }
}

/// `compliance` in a secret's status: the overall result and each rule's.
public struct ComplianceStatus: Sendable, Hashable {
    public var profile: String
    public var enforcement: String
    public var overall: ComplianceOverall
    public var rules: [RuleResult]
    /// The content fingerprint the content rules were evaluated on, so a pass that did
    /// not read the content (nothing changed) can keep their results.
    public var fingerprint: String?
    /// A digest of the profile's rules the results were computed with.
    public var rulesDigest: String
    /// When the results were computed. Like `lastReconciledAt`, a pass that changes
    /// nothing else does not rewrite the status file for it.
    public var checkedAt: Date
    /// Why the evaluation could not run (overall `failed`).
    public var message: String?

    public init(
        profile: String, enforcement: String, overall: ComplianceOverall, rules: [RuleResult], fingerprint: String?,
        rulesDigest: String, checkedAt: Date, message: String? = nil
    ) {
        self.profile = profile
        self.enforcement = enforcement
        self.overall = overall
        self.rules = rules
        self.fingerprint = fingerprint
        self.rulesDigest = rulesDigest
        self.checkedAt = checkedAt
        self.message = message
    }
}

/// Where a secret is declared, for reports that point at the manifest (GitHub annotations).
public struct ManifestOrigin: Sendable, Hashable {
    public var file: String
    public var line: Int
    public var column: Int

    public init(_ location: SourceLocation) {
        self.file = location.file
        self.line = location.line
        self.column = location.column
    }
}
