import Crypto
import Foundation
import _CryptoExtras

/// What a private key is: its algorithm and size, read from a PEM (PKCS#8, PKCS#1 or
/// SEC 1). Never holds key material.
struct PrivateKeyFacts: Sendable, Hashable {
    var algorithm: KeyAlgorithmName
    /// RSA modulus bits.
    var rsaBits: Int?
    /// EC curve name (`P-256`, `P-384`, `P-521`, or the OID of another curve).
    var curve: String?

    enum KeyAlgorithmName: String, Sendable {
        case rsa, ec, ed25519, ed448, x25519, unknown
    }

    var summary: String {
        switch algorithm {
        case .rsa: "an RSA \(rsaBits ?? 0)-bit key"
        case .ec: "an EC key on \(curve ?? "an unknown curve")"
        default: "an \(algorithm.rawValue) key"
        }
    }
}

enum PrivateKeyInspector {
    enum Problem: Error, CustomStringConvertible {
        case notPEM
        case encrypted
        case unsupported(String)
        case malformed(String)

        var description: String {
            switch self {
            case .notPEM: "content is not a PEM private key (expected -----BEGIN PRIVATE KEY-----)"
            case .encrypted: "the key is encrypted (ENCRYPTED PRIVATE KEY); tresor cannot inspect it"
            case .unsupported(let label): "a PEM '\(label)' block is not a private key tresor can inspect"
            case .malformed(let what): "content is not a valid private key: \(what)"
            }
        }
    }

    static let rsaOID = "1.2.840.113549.1.1.1"
    static let ecOID = "1.2.840.10045.2.1"
    static let curveNames = ["1.2.840.10045.3.1.7": "P-256", "1.3.132.0.34": "P-384", "1.3.132.0.35": "P-521"]
    static let edOIDs: [String: PrivateKeyFacts.KeyAlgorithmName] = [
        "1.3.101.112": .ed25519, "1.3.101.113": .ed448, "1.3.101.110": .x25519,
    ]

    static func inspect(pem text: String) throws -> PrivateKeyFacts {
        guard let (label, der) = PEM.decode(text) else { throw Problem.notPEM }
        do {
            switch label {
            case "PRIVATE KEY": return try pkcs8(der, text: text)
            case "RSA PRIVATE KEY": return try rsa(DERNode.parse(der[...]), text: text)
            case "EC PRIVATE KEY": return try sec1(DERNode.parse(der[...]), text: text, curveOID: nil)
            case "ENCRYPTED PRIVATE KEY": throw Problem.encrypted
            default: throw Problem.unsupported(label)
            }
        } catch is DERNode.Malformed {
            throw Problem.malformed("its DER structure does not parse")
        }
    }

    /// PrivateKeyInfo ::= SEQUENCE { version, AlgorithmIdentifier { OID, params }, privateKey OCTET STRING }
    private static func pkcs8(_ der: [UInt8], text: String) throws -> PrivateKeyFacts {
        let info = try DERNode.parse(der[...]).expect(DERNode.sequence).children()
        guard info.count >= 3 else { throw DERNode.Malformed() }
        let algorithm = try info[1].expect(DERNode.sequence).children()
        guard let first = algorithm.first else { throw DERNode.Malformed() }
        let oid = try first.objectIdentifier()
        let inner = try info[2].expect(DERNode.octetString).content
        switch oid {
        case rsaOID:
            return try rsa(DERNode.parse(inner), text: text)
        case ecOID:
            let curve = algorithm.count > 1 ? (try? algorithm[1].objectIdentifier()) : nil
            return try sec1(DERNode.parse(inner), text: text, curveOID: curve)
        default:
            if let name = edOIDs[oid] {
                if name == .ed25519 {
                    let seed = try DERNode.parse(inner).expect(DERNode.octetString).content
                    guard (try? Curve25519.Signing.PrivateKey(rawRepresentation: seed)) != nil else {
                        throw Problem.malformed("the Ed25519 seed is not 32 bytes")
                    }
                }
                return PrivateKeyFacts(algorithm: name)
            }
            return PrivateKeyFacts(algorithm: .unknown, curve: oid)
        }
    }

    /// RSAPrivateKey ::= SEQUENCE { version, modulus, publicExponent, … }; the key is also
    /// loaded by BoringSSL, so a structure with inconsistent numbers is refused.
    private static func rsa(_ key: DERNode, text: String) throws -> PrivateKeyFacts {
        let parts = try key.expect(DERNode.sequence).children()
        guard parts.count >= 9 else { throw DERNode.Malformed() }
        let bits = try parts[1].integerBitLength()
        guard (try? _RSA.Signing.PrivateKey(unsafePEMRepresentation: text)) != nil else {
            throw Problem.malformed("BoringSSL does not accept the RSA key")
        }
        return PrivateKeyFacts(algorithm: .rsa, rsaBits: bits)
    }

    /// ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, [0] parameters OID, [1] publicKey }
    private static func sec1(_ key: DERNode, text: String, curveOID: String?) throws -> PrivateKeyFacts {
        let parts = try key.expect(DERNode.sequence).children()
        guard parts.count >= 2 else { throw DERNode.Malformed() }
        var oid = curveOID
        if oid == nil, let parameters = parts.first(where: { $0.identifier == DERNode.contextZero }) {
            oid = try parameters.children().first?.objectIdentifier()
        }
        guard let oid else { throw Problem.malformed("the EC key names no curve") }
        let curve = curveNames[oid] ?? oid
        let loads: Bool
        switch curve {
        case "P-256": loads = (try? P256.Signing.PrivateKey(pemRepresentation: text)) != nil
        case "P-384": loads = (try? P384.Signing.PrivateKey(pemRepresentation: text)) != nil
        case "P-521": loads = (try? P521.Signing.PrivateKey(pemRepresentation: text)) != nil
        default: loads = true
        }
        guard loads else { throw Problem.malformed("the \(curve) key does not load") }
        return PrivateKeyFacts(algorithm: .ec, curve: curve)
    }
}
