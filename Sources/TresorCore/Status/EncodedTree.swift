/// An encoded value with object members in the order they were encoded: what the YAML
/// writer writes, whether built by hand (``EncodedTreeConvertible``) or by ``TreeEncoder``.
enum EncodedTree {
    case object([(String, EncodedTree)])
    case array([EncodedTree])
    case string(String)
    /// The number as it is to be written.
    case number(String)
    case bool(Bool)
    case null
}

/// A tree encodes as what it holds, so that a value with a hand-built tree has one list
/// of its members for every form it is written in (a status file, `-o json`).
extension EncodedTree: Encodable {
    private struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }

        init(stringValue: String) {
            self.stringValue = stringValue
        }

        init?(intValue: Int) {
            return nil
        }
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .object(let members):
            var container = encoder.container(keyedBy: Key.self)
            for (key, member) in members { try container.encode(member, forKey: Key(stringValue: key)) }
        case .array(let items):
            var container = encoder.unkeyedContainer()
            for item in items { try container.encode(item) }
        case .string(let text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case .number(let text):
            var container = encoder.singleValueContainer()
            if let integer = Int(text) { try container.encode(integer) } else { try container.encode(Double(text) ?? 0) }
        case .bool(let flag):
            var container = encoder.singleValueContainer()
            try container.encode(flag)
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        }
    }
}
