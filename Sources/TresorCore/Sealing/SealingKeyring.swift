import Crypto
import Foundation

/// The private sealing keys a run holds; several, so that a key can be rotated.
public struct SealingKeyring: Sendable {
    /// Raw private keys by key id (Crypto's key types are not Sendable).
    private var keys: [[UInt8]: [UInt8]] = [:]

    public init() {}

    /// - Parameter privateKeys: raw 32-byte X25519 private keys.
    public init(privateKeys: [[UInt8]]) throws(SealingKeyError) {
        for bytes in privateKeys {
            guard let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: bytes) else {
                throw SealingKeyError("not a 32-byte X25519 private key")
            }
            keys[SealingPublicKey.keyId(ofRaw: [UInt8](key.publicKey.rawRepresentation))] = bytes
        }
    }

    public var isEmpty: Bool { keys.isEmpty }

    /// The ids of the keys held, in hex, sorted.
    public var keyIds: [String] { keys.keys.map { Hex.encode($0) }.sorted() }

    /// Whether a value sealed to `envelope`'s key can be opened here.
    public func holdsKey(of envelope: SealedEnvelope) -> Bool { keys[envelope.keyId] != nil }

    public func open(_ text: String, for binding: SealedBinding) throws(SealedValueError) -> SecretValue {
        try open(SealedEnvelope(parsing: text), for: binding)
    }

    public func open(_ envelope: SealedEnvelope, for binding: SealedBinding) throws(SealedValueError) -> SecretValue {
        guard let raw = keys[envelope.keyId] else {
            if keys.isEmpty { throw .noKeysHeld(keyId: envelope.keyIdHex) }
            throw .noMatchingKey(keyId: envelope.keyIdHex, held: keyIds)
        }
        guard binding.matches(envelope) else { throw .boundElsewhere }
        let plaintext: Data
        do {
            var recipient = try HPKE.Recipient(
                privateKey: Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw), ciphersuite: SealingSuite.ciphersuite, info: SealingSuite.info,
                encapsulatedKey: Data(envelope.encapsulatedKey))
            plaintext = try recipient.open(envelope.ciphertext, authenticating: envelope.associatedData(binding))
        } catch {
            throw .tampered(keyId: envelope.keyIdHex)
        }
        // tresor seal only seals UTF-8 text, so anything else was not made by it.
        guard let text = String(validating: plaintext, as: UTF8.self) else { throw .tampered(keyId: envelope.keyIdHex) }
        return SecretValue(text)
    }
}
