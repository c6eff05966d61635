/// A ComplianceProfile manifest: rules evaluated against a vault profile's secrets.
public struct ComplianceProfile: Sendable, Hashable {
    public var metadata: ObjectMeta
    public var spec: ComplianceProfileSpec
    public var origin: Origin

    public var name: String { metadata.name }

    public init(metadata: ObjectMeta, spec: ComplianceProfileSpec, origin: Origin) {
        self.metadata = metadata
        self.spec = spec
        self.origin = origin
    }
}

public enum Enforcement: String, Sendable, Hashable, CaseIterable, Codable {
    /// Write and record the result.
    case audit
    /// Refuse to write non-compliant content.
    case deny
}

public struct ComplianceProfileSpec: Sendable, Hashable, Codable, ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case enforcement, rules }
    public static let schemaName = "ComplianceProfileSpec"
    public static let requiredFields: [Field] = [.rules]

    public var enforcement: Enforcement = .audit
    public var rules: [ComplianceRule]

    public init(enforcement: Enforcement = .audit, rules: [ComplianceRule]) {
        self.enforcement = enforcement
        self.rules = rules
    }
}

/// One named rule: `{name, appliesTo: [types], <kind>: {params}}`.
public struct ComplianceRule: Sendable, Hashable, Codable, ManifestObject {
    public enum Field: String, CaseIterable, Sendable {
        case name, appliesTo
        case minLength, characterClasses, allowedTypes, privateKey, jwt, keyStore
        case secretKeyBits, maxAge, requiredLabels, uniqueContent, noInlineValues
    }
    public static let schemaName = "ComplianceRule"
    public static let requiredFields: [Field] = [.name]
    public static let kindFields: [Field] = Array(Field.allCases.dropFirst(2))

    public var name: String
    /// Nil: every type the check understands.
    public var appliesTo: [SecretType]?
    public var check: ComplianceCheck

    public init(name: String, appliesTo: [SecretType]? = nil, check: ComplianceCheck) {
        self.name = name
        self.appliesTo = appliesTo
        self.check = check
    }
}

public enum JWTAlgorithm: String, Sendable, Hashable, CaseIterable, Codable {
    case hs256 = "HS256", hs384 = "HS384", hs512 = "HS512"
    case rs256 = "RS256", rs384 = "RS384", rs512 = "RS512"
    case es256 = "ES256", es384 = "ES384", es512 = "ES512"
    case ps256 = "PS256", ps384 = "PS384", ps512 = "PS512"
    case edDSA = "EdDSA"
}

/// What a rule checks, with its parameters.
public enum ComplianceCheck: Sendable, Hashable, Codable {
    case minLength(min: Int)
    case characterClasses(required: [CharacterClass])
    case allowedTypes(types: [SecretType])
    case privateKey(algorithms: [KeyAlgorithm]?, minRSABits: Int?, curves: [ECCurve]?)
    case jwt(requireExp: Bool, algorithms: [JWTAlgorithm]?)
    case keyStore(types: [KeyStoreType])
    case secretKeyBits(min: Int)
    case maxAge(duration: Period)
    case requiredLabels(labels: [String])
    case uniqueContent
    case noInlineValues
}

/// Parameter objects of each rule kind, for decoding and the schema.
public enum ComplianceRuleParams {
    public enum MinLength: ManifestObject {
        public enum Field: String, CaseIterable, Sendable { case min }
        public static let schemaName = "MinLengthRule"
        public static let requiredFields: [Field] = [.min]
    }
    public enum CharacterClasses: ManifestObject {
        public enum Field: String, CaseIterable, Sendable { case required }
        public static let schemaName = "CharacterClassesRule"
        public static let requiredFields: [Field] = [.required]
    }
    public enum AllowedTypes: ManifestObject {
        public enum Field: String, CaseIterable, Sendable { case types }
        public static let schemaName = "AllowedTypesRule"
        public static let requiredFields: [Field] = [.types]
    }
    public enum PrivateKey: ManifestObject {
        public enum Field: String, CaseIterable, Sendable { case algorithms, minRSABits, curves }
        public static let schemaName = "PrivateKeyRule"
    }
    public enum JWT: ManifestObject {
        public enum Field: String, CaseIterable, Sendable { case requireExp, algorithms }
        public static let schemaName = "JWTRule"
    }
    public enum KeyStore: ManifestObject {
        public enum Field: String, CaseIterable, Sendable { case types }
        public static let schemaName = "KeyStoreRule"
        public static let requiredFields: [Field] = [.types]
    }
    public enum SecretKeyBits: ManifestObject {
        public enum Field: String, CaseIterable, Sendable { case min }
        public static let schemaName = "SecretKeyBitsRule"
        public static let requiredFields: [Field] = [.min]
    }
    public enum MaxAge: ManifestObject {
        public enum Field: String, CaseIterable, Sendable { case duration }
        public static let schemaName = "MaxAgeRule"
        public static let requiredFields: [Field] = [.duration]
    }
    public enum RequiredLabels: ManifestObject {
        public enum Field: String, CaseIterable, Sendable { case labels }
        public static let schemaName = "RequiredLabelsRule"
        public static let requiredFields: [Field] = [.labels]
    }
}

extension ComplianceRule {
    /// The kind's name as written in manifests (`minLength`, …).
    public var kind: String {
        switch check {
        case .minLength: "minLength"
        case .characterClasses: "characterClasses"
        case .allowedTypes: "allowedTypes"
        case .privateKey: "privateKey"
        case .jwt: "jwt"
        case .keyStore: "keyStore"
        case .secretKeyBits: "secretKeyBits"
        case .maxAge: "maxAge"
        case .requiredLabels: "requiredLabels"
        case .uniqueContent: "uniqueContent"
        case .noInlineValues: "noInlineValues"
        }
    }
}
