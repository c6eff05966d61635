import Crypto
import Foundation
import _CryptoExtras

/// A PKCS#12 without MAC proves its password only by decrypting: the first PBES2
/// (PBKDF2 + AES-CBC, RFC 8018 §6.2) protected bag is decrypted and must hold DER.
/// Legacy PBE-SHA1-3DES/RC2 bags without a MAC are not decrypted (no 3DES here).
extension KeyStoreInspector {
    static let encryptedDataOID = "1.2.840.113549.1.7.6"
    static let shroudedKeyBagOID = "1.2.840.113549.1.12.10.1.2"
    static let pbes2OID = "1.2.840.113549.1.5.13"
    static let pbkdf2OID = "1.2.840.113549.1.5.12"
    static let prfs: [String: KDF.Insecure.PBKDF2.HashFunction] = [
        "1.2.840.113549.2.7": .insecureSHA1, "1.2.840.113549.2.9": .sha256, "1.2.840.113549.2.10": .sha384,
        "1.2.840.113549.2.11": .sha512,
    ]
    static let aesKeySizes = ["2.16.840.1.101.3.4.1.2": 16, "2.16.840.1.101.3.4.1.22": 24, "2.16.840.1.101.3.4.1.42": 32]

    /// - Parameter authenticatedSafe: the content octets of the PFX's `authSafe`.
    static func decryptFirstBag(_ password: String, authenticatedSafe: ArraySlice<UInt8>) throws -> PasswordCheck {
        let infos = try DERNode.parse(authenticatedSafe).expect(DERNode.sequence).children()
        for info in infos {
            let parts = try info.expect(DERNode.sequence).children()
            guard parts.count == 2 else { continue }
            switch try parts[checked: 0].objectIdentifier() {
            case encryptedDataOID:
                // EncryptedData ::= SEQUENCE { version, EncryptedContentInfo { type, algorithm, [0] IMPLICIT octets } }
                let encrypted = try parts[checked: 1].children()[checked: 0].expect(DERNode.sequence).children()
                let contentInfo = try encrypted[checked: 1].expect(DERNode.sequence).children()
                guard contentInfo.count >= 3, try contentInfo[checked: 2].identifier == DERNode.contextZero else { continue }
                let ciphertext = try contentInfo[checked: 2].content
                if let check = try decrypt(password, algorithm: contentInfo[checked: 1], ciphertext: ciphertext) { return check }
            case dataOID:
                let safeContents = try parts[checked: 1].children()[checked: 0].expect(DERNode.octetString).content
                for bag in try DERNode.parse(safeContents).expect(DERNode.sequence).children() {
                    let fields = try bag.expect(DERNode.sequence).children()
                    guard fields.count >= 2, try fields[checked: 0].objectIdentifier() == shroudedKeyBagOID else { continue }
                    // EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING }
                    let keyInfo = try fields[checked: 1].children()[checked: 0].expect(DERNode.sequence).children()
                    guard keyInfo.count == 2 else { continue }
                    let ciphertext = try keyInfo[checked: 1].expect(DERNode.octetString).content
                    if let check = try decrypt(password, algorithm: keyInfo[checked: 0], ciphertext: ciphertext) { return check }
                }
            default: continue
            }
        }
        return .cannotTell("the keystore has no integrity MAC and no PBES2-encrypted content, so tresor cannot verify its password")
    }

    /// Nil when the algorithm is not PBES2 with PBKDF2 and AES-CBC.
    static func decrypt(_ password: String, algorithm: DERNode, ciphertext: ArraySlice<UInt8>) throws -> PasswordCheck? {
        let identifier = try algorithm.expect(DERNode.sequence).children()
        guard identifier.count == 2, try identifier[checked: 0].objectIdentifier() == pbes2OID else { return nil }
        let parameters = try identifier[checked: 1].expect(DERNode.sequence).children()
        let kdf = try parameters[checked: 0].expect(DERNode.sequence).children()
        let scheme = try parameters[checked: 1].expect(DERNode.sequence).children()
        guard try kdf[checked: 0].objectIdentifier() == pbkdf2OID, let keySize = aesKeySizes[try scheme[checked: 0].objectIdentifier()]
        else { return nil }
        let kdfParameters = try kdf[checked: 1].expect(DERNode.sequence).children()
        let salt = try kdfParameters[checked: 0].expect(DERNode.octetString).content
        let iterations = try kdfParameters[checked: 1].smallInteger()
        guard iterations >= 1 else { throw DERNode.Malformed() }
        guard iterations <= maxIterations else { return tooManyIterations(iterations) }
        var prf = KDF.Insecure.PBKDF2.HashFunction.insecureSHA1
        if let prfIdentifier = kdfParameters.last, prfIdentifier.identifier == DERNode.sequence {
            guard let named = prfs[try prfIdentifier.children()[checked: 0].objectIdentifier()] else { return nil }
            prf = named
        }
        let iv = try scheme[checked: 1].expect(DERNode.octetString).content
        // PBES2 in PKCS#12 takes the password as its UTF-8 bytes (OpenSSL, Java).
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: prf, outputByteCount: keySize, unsafeUncheckedRounds: iterations)
        guard let plain = try? AES._CBC.decrypt(ciphertext, using: key, iv: AES._CBC.IV(ivBytes: iv)),
            (try? DERNode.parse(Array(plain)[...]).expect(DERNode.sequence)) != nil
        else { return .wrongPassword }
        return .opens
    }
}
