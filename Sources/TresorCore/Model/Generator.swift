/// How tresor makes a value it generates: once, kept in the source vault, made anew
/// only on rotation or when these parameters change.
public enum Generator: Sendable, Hashable {
    case password(PasswordGenerator)
    case keyBytes(KeyBytesGenerator)
    case privateKey(PrivateKeyGenerator)
}

/// Which generator a content field accepts.
public enum GeneratorKind: Sendable, Hashable {
    case password
    case keyBytes
    case privateKey
}

public enum CharacterClass: String, Sendable, Hashable, CaseIterable, Codable {
    case lower, upper, digit, symbol
}

/// `{length: 32, characterClasses: [lower, upper, digit, symbol]}`
public struct PasswordGenerator: Sendable, Hashable, ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case length, characterClasses }
    public static let schemaName = "PasswordGenerator"
    public static let lengthRange = 8...4096

    public var length: Int = 32
    public var characterClasses: [CharacterClass] = CharacterClass.allCases

    public init(length: Int = 32, characterClasses: [CharacterClass] = CharacterClass.allCases) {
        self.length = length
        self.characterClasses = characterClasses
    }
}

/// `{bits: 256}`: random key bytes for a `secretKey`, stored base64.
public struct KeyBytesGenerator: Sendable, Hashable, ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case bits }
    public static let schemaName = "KeyBytesGenerator"
    public static let bitsRange = 128...8192

    public var bits: Int = 256

    public init(bits: Int = 256) {
        self.bits = bits
    }
}

public enum KeyAlgorithm: String, Sendable, Hashable, CaseIterable, Codable {
    case rsa, ec, ed25519
}

public enum ECCurve: String, Sendable, Hashable, CaseIterable, Codable {
    case p256 = "P-256"
    case p384 = "P-384"
}

/// `{algorithm: rsa|ec|ed25519, bits: 3072, curve: P-256|P-384}` for a `privateKey`.
public struct PrivateKeyGenerator: Sendable, Hashable, ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case algorithm, bits, curve }
    public static let schemaName = "PrivateKeyGenerator"
    public static let requiredFields: [Field] = [.algorithm]
    public static let rsaSizes = [2048, 3072, 4096]

    public var algorithm: KeyAlgorithm
    /// RSA modulus size; nil for EC and Ed25519.
    public var bits: Int?
    /// EC curve; nil for RSA and Ed25519.
    public var curve: ECCurve?

    public init(algorithm: KeyAlgorithm, bits: Int? = nil, curve: ECCurve? = nil) {
        self.algorithm = algorithm
        self.bits = bits
        self.curve = curve
    }
}
