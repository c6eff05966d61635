import Crypto
import Foundation
import _CryptoExtras

/// Opens a keystore far enough to tell its format and whether its password is right,
/// without Java or OpenSSL: the PKCS#12 MAC (RFC 7292 §4, key from the PKCS#12 KDF of
/// appendix B, or PBMAC1 is refused as unsupported) and the JKS integrity digest.
/// Checking the integrity value proves the password for both modern files (PBES2 with
/// AES-256-CBC) and legacy ones (PBE-SHA1-3DES, RC2), whose ciphers tresor does not need.
/// A PKCS#12 without MAC is checked by decrypting its first PBES2 bag (`+PBES2`).
enum KeyStoreInspector {
    enum Format: String, Sendable {
        case pkcs12 = "PKCS12"
        case jks = "JKS"
        case jceks = "JCEKS"
    }

    enum PasswordCheck: Sendable, Equatable {
        case opens
        case wrongPassword
        /// The file carries nothing that proves a password (a PKCS#12 without MAC), or uses
        /// an integrity scheme tresor does not implement.
        case cannotTell(String)
    }

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    static func format(of bytes: [UInt8]) -> Format? {
        if bytes.starts(with: [0xFE, 0xED, 0xFE, 0xED]) { return .jks }
        if bytes.starts(with: [0xCE, 0xCE, 0xCE, 0xCE]) { return .jceks }
        if let pfx = try? DERNode.parse(bytes[...]).expect(DERNode.sequence).children(), pfx.count >= 2,
            (try? pfx[checked: 0].smallInteger()) == 3
        {
            return .pkcs12
        }
        return nil
    }

    static func checkPassword(_ password: String, bytes: [UInt8], format: Format) throws -> PasswordCheck {
        switch format {
        case .pkcs12: try pkcs12(password, bytes)
        case .jks, .jceks: jks(password, bytes)
        }
    }

    // MARK: PKCS#12

    static let dataOID = "1.2.840.113549.1.7.1"
    /// A bound on the work a keystore from a manifest or a vault can ask for.
    static let maxIterations = 1_000_000

    static func tooManyIterations(_ count: Int) -> PasswordCheck {
        .cannotTell("the keystore asks for \(count) key-derivation iterations, more than tresor evaluates (\(maxIterations))")
    }
    static let pbmac1OID = "1.2.840.113549.1.5.14"

    /// PFX ::= SEQUENCE { version 3, authSafe ContentInfo, macData MacData OPTIONAL }
    /// MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }
    static func pkcs12(_ password: String, _ bytes: [UInt8]) throws -> PasswordCheck {
        do {
            let pfx = try DERNode.parse(bytes[...]).expect(DERNode.sequence).children()
            let authSafe = try pfx[checked: 1].expect(DERNode.sequence).children()
            guard authSafe.count == 2, try authSafe[checked: 0].objectIdentifier() == dataOID else {
                return .cannotTell("the keystore is signed with a public key, not protected by a password")
            }
            // ContentInfo ::= SEQUENCE { contentType, content [0] EXPLICIT … }
            let explicit = try authSafe[checked: 1].expect(DERNode.contextZero).children()
            guard explicit.count == 1 else { throw DERNode.Malformed() }
            let content = try explicit[checked: 0].expect(DERNode.octetString).content
            guard pfx.count >= 3 else { return try decryptFirstBag(password, authenticatedSafe: content) }
            let macData = try pfx[checked: 2].expect(DERNode.sequence).children()
            let digestInfo = try macData[checked: 0].expect(DERNode.sequence).children()
            let algorithm = try digestInfo[checked: 0].expect(DERNode.sequence).children()
            let oid = try algorithm[checked: 0].objectIdentifier()
            let expected = Array(try digestInfo[checked: 1].expect(DERNode.octetString).content)
            let salt = Array(try macData[checked: 1].expect(DERNode.octetString).content)
            let iterations = macData.count > 2 ? try macData[checked: 2].smallInteger() : 1
            guard iterations >= 1 else { throw DERNode.Malformed() }
            guard iterations <= maxIterations else { return tooManyIterations(iterations) }
            let passwordBytes = bmpString(password)
            let computed: [UInt8]
            switch oid {
            case "1.3.14.3.2.26":
                computed = mac(Insecure.SHA1.self, password: passwordBytes, salt: salt, iterations: iterations, data: content)
            case "2.16.840.1.101.3.4.2.1":
                computed = mac(SHA256.self, password: passwordBytes, salt: salt, iterations: iterations, data: content)
            case "2.16.840.1.101.3.4.2.2":
                computed = mac(SHA384.self, password: passwordBytes, salt: salt, iterations: iterations, data: content)
            case "2.16.840.1.101.3.4.2.3":
                computed = mac(SHA512.self, password: passwordBytes, salt: salt, iterations: iterations, data: content)
            case pbmac1OID:
                return .cannotTell("the keystore's MAC is PBMAC1, which tresor does not verify")
            default:
                return .cannotTell("the keystore's MAC uses digest \(oid), which tresor does not verify")
            }
            return constantTimeEqual(computed, expected) ? .opens : .wrongPassword
        } catch is DERNode.Malformed {
            throw Malformed(description: "content is not a well-formed PKCS12 keystore")
        } catch let error as Malformed {
            throw error
        } catch {
            throw Malformed(description: "content is not a well-formed PKCS12 keystore")
        }
    }

    static func mac<H: HashFunction>(_ hash: H.Type, password: [UInt8], salt: [UInt8], iterations: Int, data: ArraySlice<UInt8>)
        -> [UInt8]
    {
        let key = kdf(hash, password: password, salt: salt, id: 3, iterations: iterations, length: H.Digest.byteCount)
        return Array(HMAC<H>.authenticationCode(for: data, using: SymmetricKey(data: key)))
    }

    /// RFC 7292 appendix B.2: the PKCS#12 key derivation.
    static func kdf<H: HashFunction>(_ hash: H.Type, password: [UInt8], salt: [UInt8], id: UInt8, iterations: Int, length: Int)
        -> [UInt8]
    {
        let u = H.Digest.byteCount
        let v = H.blockByteCount
        let d = [UInt8](repeating: id, count: v)
        func stretch(_ bytes: [UInt8]) -> [UInt8] {
            guard !bytes.isEmpty else { return [] }
            let count = v * ((bytes.count + v - 1) / v)
            return (0..<count).map { bytes[$0 % bytes.count] }
        }
        var i = stretch(salt) + stretch(password)
        var output: [UInt8] = []
        while output.count < length {
            var a = Array(H.hash(data: d + i))
            for _ in 1..<iterations { a = Array(H.hash(data: a)) }
            output += a
            let b = (0..<v).map { a[$0 % u] }
            var block = 0
            while block < i.count {
                // I_j = (I_j + B + 1) mod 2^(8v), big-endian.
                var carry = 1
                for k in stride(from: v - 1, through: 0, by: -1) {
                    let sum = Int(i[block + k]) + Int(b[k]) + carry
                    i[block + k] = UInt8(sum & 0xFF)
                    carry = sum >> 8
                }
                block += v
            }
        }
        return Array(output.prefix(length))
    }

    /// The password as PKCS#12 wants it: big-endian UTF-16 with a two-byte terminator.
    static func bmpString(_ password: String) -> [UInt8] {
        password.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } + [0, 0]
    }

    // MARK: JKS

    /// JKS and JCEKS end in SHA-1(password as UTF-16BE ‖ "Mighty Aphrodite" ‖ everything before).
    static func jks(_ password: String, _ bytes: [UInt8]) -> PasswordCheck {
        guard bytes.count > 20 + 12 else { return .cannotTell("the keystore is truncated") }
        var hasher = Insecure.SHA1()
        hasher.update(data: password.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
        hasher.update(data: Array("Mighty Aphrodite".utf8))
        hasher.update(data: bytes[..<(bytes.count - 20)])
        return constantTimeEqual(Array(hasher.finalize()), Array(bytes.suffix(20))) ? .opens : .wrongPassword
    }

    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
