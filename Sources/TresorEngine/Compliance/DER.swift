import Foundation
import SwiftASN1

/// One element of a DER structure, parsed by swift-asn1, with the few ways the
/// compliance inspectors walk private keys and PKCS#12 files. Every failure — a
/// malformed encoding, a structure shorter or of another type than expected — is
/// `Malformed`: hostile input must never trap.
struct DERNode: Sendable {
    let node: ASN1Node

    struct Malformed: Error {}

    static let sequence = ASN1Identifier.sequence
    static let octetString = ASN1Identifier.octetString
    /// Context tag `[0]`: PKCS#7 EncryptedContentInfo's `[0] IMPLICIT` ciphertext, and the
    /// `[0]` around SEC 1's curve (swift-asn1 keeps the constructed bit out of identifiers).
    static let contextZero = ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)

    /// Parses exactly one element spanning all of `bytes` (DER: definite lengths only).
    static func parse(_ bytes: ArraySlice<UInt8>) throws -> DERNode {
        do {
            return DERNode(node: try DER.parse(bytes))
        } catch {
            throw Malformed()
        }
    }

    var identifier: ASN1Identifier { node.identifier }

    /// The bytes of a primitive element.
    var content: ArraySlice<UInt8> {
        get throws {
            guard case .primitive(let bytes) = node.content else { throw Malformed() }
            return bytes
        }
    }

    /// The elements inside a constructed element.
    func children() throws -> [DERNode] {
        guard case .constructed(let nodes) = node.content else { throw Malformed() }
        return nodes.map(DERNode.init)
    }

    func expect(_ expected: ASN1Identifier) throws -> DERNode {
        guard node.identifier == expected else { throw Malformed() }
        return self
    }

    /// An OBJECT IDENTIFIER in dotted form.
    func objectIdentifier() throws -> String {
        do {
            return try ASN1ObjectIdentifier(derEncoded: node).description
        } catch {
            throw Malformed()
        }
    }

    /// A non-negative INTEGER small enough for an Int.
    func smallInteger() throws -> Int {
        guard let value = try? Int(derEncoded: node), value >= 0 else { throw Malformed() }
        return value
    }

    /// The bit length of a non-negative INTEGER (an RSA modulus).
    func integerBitLength() throws -> Int {
        guard node.identifier == .integer, let bytes = try? ArraySlice<UInt8>(derEncoded: node) else { throw Malformed() }
        let magnitude = bytes.drop { $0 == 0 }
        guard let top = magnitude.first else { return 0 }
        return (magnitude.count - 1) * 8 + (8 - top.leadingZeroBitCount)
    }
}

extension Array where Element == DERNode {
    /// The element at `index`, or `DERNode.Malformed` when a structure is shorter than
    /// its type says.
    subscript(checked index: Int) -> DERNode {
        get throws {
            guard indices.contains(index) else { throw DERNode.Malformed() }
            return self[index]
        }
    }
}

/// RFC 7468 text encoding: the label and the DER bytes of the first PEM block in `text`.
enum PEM {
    static func decode(_ text: String) -> (label: String, der: [UInt8])? {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let begin = lines.firstIndex(where: { $0.hasPrefix("-----BEGIN ") && $0.hasSuffix("-----") }) else { return nil }
        let label = String(lines[begin].dropFirst(11).dropLast(5))
        guard let end = lines[(begin + 1)...].firstIndex(of: "-----END \(label)-----") else { return nil }
        let body = lines[(begin + 1)..<end].filter { !$0.contains(":") }.joined()
        guard let data = Data(base64Encoded: body) else { return nil }
        return (label, Array(data))
    }
}
