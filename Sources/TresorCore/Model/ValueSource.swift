/// A secret value held in memory. It prints as `<redacted>` everywhere, so it cannot
/// leak through string interpolation, logging or a test failure message.
public struct SecretValue: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let storage: String

    public init(_ value: String) {
        storage = value
    }

    /// The value itself: call only where it is written to a vault or shown by `tresor read`.
    public func reveal() -> String { storage }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}

/// Where a content field's value comes from.
public enum ValueSource: Sendable, Hashable {
    /// Written in the manifest; allowed for secret fields only with `allowInlineValues`.
    case literal(SecretValue)
    case fromEnv(String)
    case fromFile(String)
    case generate(Generator)
    case sealed(String)
}

/// The accepted shapes of a non-literal content value.
public enum ValueSourceSpec: ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case fromEnv, fromFile, generate, sealed }
    public static let schemaName = "ValueSource"
    public static var keysMayHoldValues: Bool { true }
}
