import Crypto
import Foundation

/// The HPKE suite of every sealed value (RFC 9180 base mode): DHKEM(X25519, HKDF-SHA256),
/// HKDF-SHA256, AES-256-GCM.
enum SealingSuite {
    static var ciphersuite: HPKE.Ciphersuite { HPKE.Ciphersuite(kem: .Curve25519_HKDF_SHA256, kdf: .HKDF_SHA256, aead: .AES_GCM_256) }
    /// HPKE's `info`: ties the derived key to this format and version.
    static let info = Data("tresor-sealed.v1".utf8)
}

/// Seals values to a public key for one binding.
public enum Sealer {
    public static func seal(_ value: SecretValue, to publicKey: SealingPublicKey, for binding: SealedBinding) throws -> SealedEnvelope {
        var sender = try HPKE.Sender(recipientKey: publicKey.key(), ciphersuite: SealingSuite.ciphersuite, info: SealingSuite.info)
        var envelope = SealedEnvelope(
            keyId: publicKey.keyId, bindingTag: binding.tag, encapsulatedKey: [UInt8](sender.encapsulatedKey), ciphertext: [])
        let ciphertext = try sender.seal(Data(value.reveal().utf8), authenticating: envelope.associatedData(binding))
        envelope.ciphertext = [UInt8](ciphertext)
        return envelope
    }
}
