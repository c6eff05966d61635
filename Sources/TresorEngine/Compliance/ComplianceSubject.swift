import Foundation
import TresorCore

/// What a content field is known to hold when rules are evaluated.
public enum FieldValue: Sendable {
    case value(SecretValue)
    /// Not made yet (a plan, or `validate`): rules judge the generator's parameters.
    case generated(Generator)
    /// Comes from outside the manifests (`fromEnv`, `fromFile`, `sealed`) and is not
    /// read offline.
    case unknown
}

/// Everything the rules look at for one secret. Built by the reconciler from the
/// resolved content and by `validate` from the manifests alone.
public struct ComplianceSubject: Sendable {
    public var name: String
    public var type: SecretType
    public var labels: [String: String]
    /// The declared content sources (nil for an external secret).
    public var declared: SecretContent?
    /// The content per field; nil when the pass did not read it.
    public var content: [String: FieldValue]?
    /// The desired content's fingerprint; nil while generation is pending.
    public var fingerprint: String?
    /// When the content the vault will hold was first recorded; nil offline.
    public var contentSince: Date?
    /// Every secret's latest recorded fingerprint → the secrets holding it; nil offline.
    public var secretsByFingerprint: [String: [String]]?
    /// True for `tresor validate`: rules that need the vault or the history are skipped.
    public var offline: Bool

    public init(
        name: String, type: SecretType, labels: [String: String], declared: SecretContent?, content: [String: FieldValue]?,
        fingerprint: String? = nil, contentSince: Date? = nil, secretsByFingerprint: [String: [String]]? = nil,
        offline: Bool = false
    ) {
        self.name = name
        self.type = type
        self.labels = labels
        self.declared = declared
        self.content = content
        self.fingerprint = fingerprint
        self.contentSince = contentSince
        self.secretsByFingerprint = secretsByFingerprint
        self.offline = offline
    }
}

extension ComplianceRule {
    /// True for rules that judge the content's values (and so need it read).
    public var readsContent: Bool {
        switch check {
        case .minLength, .characterClasses, .privateKey, .jwt, .keyStore, .secretKeyBits: true
        case .allowedTypes, .maxAge, .requiredLabels, .uniqueContent, .noInlineValues: false
        }
    }
}
