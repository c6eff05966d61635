import Crypto
import Foundation

/// The public half of a sealing key pair (X25519), in a one-line text file safe to commit:
/// `tresor-public-key.v1.` and the base64 of the 32 raw bytes; `#` lines are comments.
public struct SealingPublicKey: Sendable {
    public static let prefix = "tresor-public-key.v1."

    /// The 32 raw bytes (Crypto's key types are not Sendable).
    public let rawKey: [UInt8]

    public init(_ key: Curve25519.KeyAgreement.PublicKey) {
        rawKey = [UInt8](key.rawRepresentation)
    }

    func key() throws -> Curve25519.KeyAgreement.PublicKey {
        try Curve25519.KeyAgreement.PublicKey(rawRepresentation: rawKey)
    }

    /// The public half of a raw 32-byte X25519 private key.
    public init(privateKey bytes: [UInt8]) throws(SealingKeyError) {
        guard let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: bytes) else {
            throw SealingKeyError("not a 32-byte X25519 private key")
        }
        self.init(key.publicKey)
    }

    /// Parses the text of a public key file; the error says what is wrong with it.
    public init(fileText: String) throws(SealingKeyError) {
        let lines = fileText.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard lines.count == 1, let line = lines.first else {
            throw SealingKeyError("expected one line '\(Self.prefix)…' (the .pub file `tresor keys generate` writes)")
        }
        guard line.hasPrefix(Self.prefix) else {
            if line.hasPrefix("tresor-") {
                throw SealingKeyError("not a public key of this format version (expected '\(Self.prefix)…')")
            }
            throw SealingKeyError("not a tresor public key (expected '\(Self.prefix)…'; is it the private key file?)")
        }
        guard let data = Data(base64Encoded: String(line.dropFirst(Self.prefix.count))), data.count == 32,
            let key = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: data)
        else {
            throw SealingKeyError("the key after '\(Self.prefix)' is not the base64 of 32 bytes")
        }
        self.init(key)
    }

    /// The first 8 bytes of the SHA-256 of the raw key: which key a value was sealed to.
    public var keyId: [UInt8] { Self.keyId(ofRaw: rawKey) }
    public var keyIdHex: String { Hex.encode(keyId) }

    /// The file's text, with a comment naming the key id.
    public var fileText: String {
        "# tresor sealing public key \(keyIdHex) (X25519); safe to commit. Seal with:\n"
            + "#   tresor seal --public-key FILE --secret NAME --field FIELD < value\n"
            + Self.prefix + Data(rawKey).base64EncodedString() + "\n"
    }

    static func keyId(ofRaw key: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: key).prefix(SealedEnvelope.keyIdSize))
    }
}

/// A key file that cannot be used, and why.
public struct SealingKeyError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
