import Foundation

/// A minimal DER reader: enough to walk private keys and PKCS#12 files for the
/// compliance rules. Definite lengths only (DER); BER's indefinite form is refused.
struct DER: Sendable {
    var tag: UInt8
    var content: ArraySlice<UInt8>

    struct Malformed: Error {}

    static let sequence: UInt8 = 0x30
    static let integer: UInt8 = 0x02
    static let octetString: UInt8 = 0x04
    static let objectIdentifier: UInt8 = 0x06
    static let null: UInt8 = 0x05

    /// Parses exactly one element spanning all of `bytes`.
    static func parse(_ bytes: ArraySlice<UInt8>) throws -> DER {
        var rest = bytes
        let element = try next(&rest)
        guard rest.isEmpty else { throw Malformed() }
        return element
    }

    /// Parses the element at the start of `bytes` and drops it from `bytes`.
    static func next(_ bytes: inout ArraySlice<UInt8>) throws -> DER {
        guard bytes.count >= 2 else { throw Malformed() }
        let tag = bytes[bytes.startIndex]
        guard tag & 0x1F != 0x1F else { throw Malformed() }  // multi-byte tags never occur here
        var index = bytes.startIndex + 1
        let first = bytes[index]
        index += 1
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7F)
            guard count > 0, count <= 4, bytes.endIndex - index >= count else { throw Malformed() }
            for _ in 0..<count {
                length = length << 8 | Int(bytes[index])
                index += 1
            }
        }
        guard bytes.endIndex - index >= length else { throw Malformed() }
        let element = DER(tag: tag, content: bytes[index..<index + length])
        bytes = bytes[(index + length)...]
        return element
    }

    /// The elements inside a constructed element.
    func children() throws -> [DER] {
        guard tag & 0x20 != 0 else { throw Malformed() }
        var rest = content
        var items: [DER] = []
        while !rest.isEmpty { items.append(try DER.next(&rest)) }
        return items
    }

    func expect(_ expected: UInt8) throws -> DER {
        guard tag == expected else { throw Malformed() }
        return self
    }

    /// An OBJECT IDENTIFIER in dotted form.
    func objectIdentifier() throws -> String {
        guard tag == DER.objectIdentifier, let first = content.first else { throw Malformed() }
        var parts = [Int(first) / 40, Int(first) % 40]
        var value = 0
        for byte in content.dropFirst() {
            value = value << 7 | Int(byte & 0x7F)
            guard value < Int(Int32.max) else { throw Malformed() }
            if byte & 0x80 == 0 {
                parts.append(value)
                value = 0
            }
        }
        return parts.map(String.init).joined(separator: ".")
    }

    /// A non-negative INTEGER small enough for an Int.
    func smallInteger() throws -> Int {
        guard tag == DER.integer, content.count <= 8, let top = content.first, top & 0x80 == 0 else { throw Malformed() }
        return content.reduce(0) { $0 << 8 | Int($1) }
    }

    /// The bit length of a non-negative INTEGER (an RSA modulus).
    func integerBitLength() throws -> Int {
        guard tag == DER.integer else { throw Malformed() }
        let magnitude = content.drop { $0 == 0 }
        guard let top = magnitude.first else { return 0 }
        return (magnitude.count - 1) * 8 + (8 - top.leadingZeroBitCount)
    }
}

extension Array where Element == DER {
    /// The element at `index`, or `DER.Malformed` when a structure is shorter than its
    /// type says: hostile input must never trap.
    subscript(checked index: Int) -> DER {
        get throws {
            guard indices.contains(index) else { throw DER.Malformed() }
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
