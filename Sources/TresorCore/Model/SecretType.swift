/// The eight typed contents a Secret can hold.
public enum SecretType: String, Sendable, Hashable, CaseIterable, Codable {
    case basicAuth, apiKey, jwtToken, privateKey, secretKey, keyStore, keyValue, generic
}

/// One field of a secret type's content, as the type table names it.
public struct ContentField: Sendable, Hashable {
    public var name: String
    /// Secret fields may not hold inline values without `allowInlineValues`.
    public var isSecret: Bool
    public var isRequired: Bool
    /// The generator this field accepts, if any.
    public var generator: GeneratorKind?
    /// For fields that take one of a fixed set of literals (`keyStoreType`, `encoding`).
    public var choices: [String]?

    static func secret(_ name: String, generator: GeneratorKind? = nil) -> ContentField {
        ContentField(name: name, isSecret: true, isRequired: true, generator: generator, choices: nil)
    }
}

public enum KeyStoreType: String, Sendable, Hashable, CaseIterable, Codable {
    case pkcs12 = "PKCS12"
    case jks = "JKS"
}

public enum ContentEncoding: String, Sendable, Hashable, CaseIterable {
    case text, base64
}

extension SecretType {
    /// The content fields of this type. `keyValue` has one, `data`, a map whose values
    /// are each a secret field accepting password generation.
    public var contentFields: [ContentField] {
        switch self {
        case .basicAuth:
            [
                ContentField(name: "username", isSecret: false, isRequired: true, generator: nil, choices: nil),
                .secret("password", generator: .password),
            ]
        case .apiKey: [.secret("content", generator: .password)]
        case .jwtToken: [.secret("content")]
        case .privateKey: [.secret("content", generator: .privateKey)]
        case .secretKey: [.secret("content", generator: .keyBytes)]
        case .keyStore:
            [
                ContentField(
                    name: "keyStoreType", isSecret: false, isRequired: true, generator: nil,
                    choices: KeyStoreType.allCases.map(\.rawValue)),
                .secret("content"),
                .secret("password", generator: .password),
            ]
        case .keyValue: [ContentField(name: "data", isSecret: true, isRequired: true, generator: .password, choices: nil)]
        case .generic:
            [
                .secret("content", generator: .password),
                ContentField(
                    name: "encoding", isSecret: false, isRequired: false, generator: nil,
                    choices: ContentEncoding.allCases.map(\.rawValue)),
            ]
        }
    }

    /// The content object's name under `$defs` in the Secret schema.
    public var contentSchemaName: String {
        switch self {
        case .basicAuth: "BasicAuthContent"
        case .apiKey, .jwtToken, .privateKey, .secretKey: "SingleValueContent"
        case .keyStore: "KeyStoreContent"
        case .keyValue: "KeyValueContent"
        case .generic: "GenericContent"
        }
    }
}

/// A secret's declared content: one value source per field. For `keyValue` the keys
/// are the keys of `data`.
public struct SecretContent: Sendable, Hashable {
    public var fields: [String: ValueSource]

    public init(fields: [String: ValueSource]) {
        self.fields = fields
    }

    public subscript(field: String) -> ValueSource? { fields[field] }

    /// True when any field is generated (so rotation has something to do).
    public var hasGeneratedValues: Bool {
        fields.values.contains { if case .generate = $0 { true } else { false } }
    }
}
