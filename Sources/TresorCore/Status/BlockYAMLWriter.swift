/// Writes an ``EncodedTree`` as block YAML: keys in ``StatusCoding/keyOrder`` first,
/// then alphabetically; objects in a list start on the dash line; strings plain when
/// they read back as the same string, double-quoted otherwise.
struct BlockYAMLWriter {
    private(set) var output: [UInt8] = []

    init() {
        output.reserveCapacity(2048)
    }

    mutating func write(_ value: EncodedTree, indent: Int, inline: Bool) {
        switch value {
        case .object(let members):
            if members.isEmpty {
                append(inline ? " {}\n" : "{}\n")
                return
            }
            if inline { output.append(0x0A) }
            var first = true
            for (key, member) in Self.ordered(members) {
                // The first key of an object in a list goes on the dash line.
                if !(first && indent < 0) { pad(abs(indent)) }
                first = false
                appendScalar(key)
                output.append(UInt8(ascii: ":"))
                writeChild(member, indent: abs(indent))
            }
        case .array(let items):
            if items.isEmpty {
                append(inline ? " []\n" : "[]\n")
                return
            }
            if inline { output.append(0x0A) }
            for item in items {
                pad(indent)
                output.append(UInt8(ascii: "-"))
                if case .object(let members) = item, !members.isEmpty {
                    output.append(0x20)
                    // A negative indent: the first key continues the dash line.
                    write(item, indent: -(indent + 1), inline: false)
                } else {
                    writeChild(item, indent: indent)
                }
            }
        case .string(let text):
            if inline { output.append(0x20) }
            appendScalar(text)
            output.append(0x0A)
        case .number(let text):
            if inline { output.append(0x20) }
            append(text)
            output.append(0x0A)
        case .bool(let flag):
            append(inline ? (flag ? " true\n" : " false\n") : (flag ? "true\n" : "false\n"))
        case .null:
            append(inline ? " null\n" : "null\n")
        }
    }

    private mutating func writeChild(_ value: EncodedTree, indent: Int) {
        switch value {
        case .object, .array: write(value, indent: indent + 1, inline: true)
        default: write(value, indent: indent, inline: true)
        }
    }

    private mutating func pad(_ indent: Int) {
        for _ in 0..<indent {
            output.append(0x20)
            output.append(0x20)
        }
    }

    private mutating func append(_ text: String) {
        output.append(contentsOf: text.utf8)
    }

    private mutating func appendScalar(_ text: String) {
        if StatusCoding.isPlainSafe(text) {
            append(text)
        } else {
            Self.appendDoubleQuoted(text, to: &output)
        }
    }

    /// `text` as a YAML double-quoted scalar: `"` and `\` escaped, line feed, carriage
    /// return and tab as `\n`, `\r`, `\t`, and as `\uXXXX` what YAML would not read back
    /// as it is: the other C0 controls, DEL and the C1 controls (not allowed in a stream),
    /// NEL, LS and PS (line breaks, folded into a space), U+FFFE and U+FFFF. Every other
    /// character is written as it is.
    static func appendDoubleQuoted(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22, 0x5C:
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(UInt8(scalar.value))
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20, 0x7F...0x9F, 0x2028, 0x2029, 0xFFFE, 0xFFFF:
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u")])
                for shift: UInt32 in [12, 8, 4, 0] { bytes.append(hexDigits[Int((scalar.value >> shift) & 0xF)]) }
            case 0..<0x80: bytes.append(UInt8(scalar.value))
            default: bytes.append(contentsOf: scalar.utf8)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func ordered(_ members: [(String, EncodedTree)]) -> [(String, EncodedTree)] {
        // Members arrive sorted by key; a stable sort by rank keeps that order among equals.
        var ranked = members.enumerated().map { (rank: StatusCoding.keyRank[$0.element.0] ?? Int.max, offset: $0.offset) }
        ranked.sort { $0.rank == $1.rank ? $0.offset < $1.offset : $0.rank < $1.rank }
        return ranked.map { members[$0.offset] }
    }
}
