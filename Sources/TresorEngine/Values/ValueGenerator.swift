import Crypto
import Foundation
import TresorCore
import _CryptoExtras

/// A generator whose parameters cannot make a value. The manifest loader rejects these
/// before they get here; this guards callers that build generators in code.
public struct GenerationError: Error, CustomStringConvertible, Sendable, Hashable {
    public var problem: String

    public init(_ problem: String) {
        self.problem = problem
    }

    public var description: String { "cannot generate a value: \(problem)" }
}

/// Makes the values of `{generate: …}` content fields. Every random choice comes from the
/// kernel (``KernelRandom``: `/dev/urandom`, else `SystemRandomNumberGenerator`) or from
/// BoringSSL's RAND_bytes inside swift-crypto, both cryptographically secure.
public enum ValueGenerator {
    public static func generate(_ generator: Generator) throws -> SecretValue {
        switch generator {
        case .password(let password): try SecretValue(makePassword(password))
        case .keyBytes(let keyBytes): try SecretValue(makeKeyBytes(keyBytes))
        case .privateKey(let privateKey): try SecretValue(makePrivateKey(privateKey))
        }
    }

    // MARK: Passwords

    /// The characters of each class.
    ///
    /// The symbols are the few that survive, unquoted and unescaped, everywhere a password
    /// ends up. Each is RFC 3986 unreserved, so it needs no percent-encoding anywhere in a
    /// URL (`@ : / ? # %` break userinfo, `+` turns into a space in a query, `& =` split
    /// query parameters). None is special at any position of a shell word in sh, bash or
    /// zsh (quotes, `\ $` and backtick, globs `* ? [`, `!` history, `~` and zsh's leading
    /// `=` expansion, `^ #`, `; & | < > ( )` are all out). None is a quote, comment,
    /// separator or trailing `:` in YAML plain scalars, JSON, `.env`, `.pgpass` or CSV.
    /// Few symbols cost next to nothing: a 32-character password over these 65 characters
    /// still carries about 193 bits.
    static func characters(of characterClass: CharacterClass) -> [Character] {
        switch characterClass {
        case .lower: Array("abcdefghijklmnopqrstuvwxyz")
        case .upper: Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        case .digit: Array("0123456789")
        case .symbol: Array("-._")
        }
    }

    /// A password of `length` characters drawn uniformly from the union of the requested
    /// classes, holding at least one character of each class.
    ///
    /// Drawing every character from the whole alphabet and drawing again when a class is
    /// missing (rejection sampling) makes every acceptable password equally likely; placing
    /// one forced character per class and shuffling would instead favour the small classes
    /// (digits, symbols). The length is at least 8, where an attempt succeeds with
    /// probability 0.2 or more (all four classes), so a handful of attempts suffice.
    static func makePassword(_ parameters: PasswordGenerator) throws -> String {
        let classes = CharacterClass.allCases.filter(parameters.characterClasses.contains)
        guard !classes.isEmpty else { throw GenerationError("a password needs at least one character class") }
        guard parameters.length >= classes.count else {
            throw GenerationError(
                "password length \(parameters.length) cannot hold one of each of the \(classes.count) character classes")
        }
        guard PasswordGenerator.lengthRange.contains(parameters.length) else {
            throw GenerationError(
                "password length \(parameters.length) is outside \(PasswordGenerator.lengthRange.lowerBound)"
                    + "...\(PasswordGenerator.lengthRange.upperBound)")
        }
        let sets = classes.map { characters(of: $0) }
        let alphabet = sets.flatMap { $0 }
        let classOf = Dictionary(uniqueKeysWithValues: sets.enumerated().flatMap { index, set in set.map { ($0, index) } })
        var random = KernelRandom()
        while true {
            var password: [Character] = []
            password.reserveCapacity(parameters.length)
            var seen = Set<Int>()
            for _ in 0..<parameters.length {
                // Int.random(in:using:) rejects out-of-range draws, so there is no modulo bias.
                let character = alphabet[Int.random(in: 0..<alphabet.count, using: &random)]
                password.append(character)
                if let index = classOf[character] { seen.insert(index) }
            }
            if seen.count == classes.count { return String(password) }
        }
    }

    // MARK: Key bytes

    /// `bits / 8` random bytes, standard base64 with padding and no line breaks.
    static func makeKeyBytes(_ parameters: KeyBytesGenerator) throws -> String {
        guard KeyBytesGenerator.bitsRange.contains(parameters.bits), parameters.bits % 8 == 0 else {
            throw GenerationError(
                "key bits \(parameters.bits) must be a multiple of 8 within \(KeyBytesGenerator.bitsRange.lowerBound)"
                    + "...\(KeyBytesGenerator.bitsRange.upperBound)")
        }
        return Data(randomBytes(count: parameters.bits / 8)).base64EncodedString()
    }

    static func randomBytes(count: Int) -> [UInt8] {
        var random = KernelRandom()
        return random.bytes(count)
    }

    // MARK: Private keys

    /// An unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) for every algorithm, so
    /// consumers need one parser, ending in a newline like the files OpenSSL writes.
    static func makePrivateKey(_ parameters: PrivateKeyGenerator) throws -> String {
        let pem: String
        switch parameters.algorithm {
        case .rsa:
            guard parameters.curve == nil else { throw GenerationError("an rsa key takes bits, not a curve") }
            let bits = parameters.bits ?? GeneratorDefaults.rsaBits
            let size: _RSA.Signing.KeySize
            switch bits {
            case 2048: size = .bits2048
            case 3072: size = .bits3072
            case 4096: size = .bits4096
            default: throw GenerationError("\(bits) is not a supported RSA size; expected 2048, 3072 or 4096")
            }
            // BoringSSL's PKCS#8 writer.
            pem = try _RSA.Signing.PrivateKey(keySize: size).pkcs8PEMRepresentation
        case .ec:
            guard parameters.bits == nil else { throw GenerationError("an ec key's size comes from its curve, not bits") }
            // swift-crypto writes NIST keys as PKCS#8 ("PRIVATE KEY"), not SEC 1 ("EC PRIVATE KEY").
            switch parameters.curve ?? GeneratorDefaults.ecCurve {
            case .p256: pem = P256.Signing.PrivateKey().pemRepresentation
            case .p384: pem = P384.Signing.PrivateKey().pemRepresentation
            }
        case .ed25519:
            guard parameters.bits == nil, parameters.curve == nil else {
                throw GenerationError("an ed25519 key has a fixed size and takes neither bits nor a curve")
            }
            pem = ed25519PKCS8PEM(seed: Array(Curve25519.Signing.PrivateKey().rawRepresentation))
        }
        return pem.hasSuffix("\n") ? pem : pem + "\n"
    }

    /// RFC 8410 §7: PrivateKeyInfo { version 0, AlgorithmIdentifier { id-Ed25519 (1.3.101.112) },
    /// privateKey OCTET STRING { CurvePrivateKey OCTET STRING (32-byte seed) } }.
    static let ed25519PKCS8Prefix: [UInt8] = [
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
    ]

    static func ed25519PKCS8PEM(seed: [UInt8]) -> String {
        precondition(seed.count == 32, "an Ed25519 seed is 32 bytes")
        return pem(type: "PRIVATE KEY", der: ed25519PKCS8Prefix + seed)
    }

    /// RFC 7468 text encoding: base64 in lines of 64 characters between the labels.
    static func pem(type: String, der: [UInt8]) -> String {
        let base64 = Array(Data(der).base64EncodedString())
        var lines = ["-----BEGIN \(type)-----"]
        var start = 0
        while start < base64.count {
            let end = min(start + 64, base64.count)
            lines.append(String(base64[start..<end]))
            start = end
        }
        lines.append("-----END \(type)-----")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The values the manifest loader fills in when a generator leaves a parameter out.
enum GeneratorDefaults {
    static let rsaBits = 3072
    static let ecCurve = ECCurve.p256
}
