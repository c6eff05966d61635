import Foundation

/// Decodes `Decodable` values straight from a parsed YAML node tree: no JSON text in
/// between, which matters when ten thousand status files are read per pass.
struct YAMLNodeDecoder: Decoder {
    let node: YAMLNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(node: YAMLNode, codingPath: [any CodingKey] = []) {
        self.node = node
        self.codingPath = codingPath
    }

    static func decode<T: Decodable>(_ type: T.Type, from node: YAMLNode, codingPath: [any CodingKey] = []) throws -> T {
        if type == Date.self {
            let text = try SingleValue(node: node, codingPath: codingPath).decode(String.self)
            guard let date = Timestamp(rfc3339: text)?.date else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "'\(text)' is not an RFC 3339 time"))
            }
            return date as! T
        }
        return try T(from: YAMLNodeDecoder(node: node, codingPath: codingPath))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .mapping(let pairs, _) = node else { throw mismatch("a mapping") }
        var index: [String: YAMLNode]?
        if pairs.count > 16 {
            var members: [String: YAMLNode] = [:]
            members.reserveCapacity(pairs.count)
            for pair in pairs {
                if case .scalar(let key, _) = pair.key { members[key.text] = pair.value }
            }
            index = members
        }
        return KeyedDecodingContainer(Keyed<Key>(pairs: pairs, index: index, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .sequence(let items, _) = node else { throw mismatch("a list") }
        return Unkeyed(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValue(node: node, codingPath: codingPath)
    }

    private func mismatch(_ expected: String) -> DecodingError {
        .typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "expected \(expected), got \(node.kindName)"))
    }

    /// Most status mappings are small, and a scan of their pairs beats hashing every
    /// key; large ones (the inventory's map of secrets) get an index.
    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let pairs: [YAMLPair]
        let index: [String: YAMLNode]?
        let codingPath: [any CodingKey]

        var allKeys: [Key] {
            pairs.compactMap { pair in
                guard case .scalar(let key, _) = pair.key else { return nil }
                return Key(stringValue: key.text)
            }
        }

        private func member(_ name: String) -> YAMLNode? {
            if let index { return index[name] }
            for pair in pairs {
                if case .scalar(let key, _) = pair.key, key.text == name { return pair.value }
            }
            return nil
        }

        func contains(_ key: Key) -> Bool { member(key.stringValue) != nil }

        private func node(_ key: Key) throws -> YAMLNode {
            guard let node = member(key.stringValue) else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing '\(key.stringValue)'"))
            }
            return node
        }

        func decodeNil(forKey key: Key) throws -> Bool {
            guard let node = member(key.stringValue) else { return true }
            return YAMLLeaf.isNull(node)
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            let node = try node(key)
            if T.self == Date.self, let date = YAMLLeaf.date(node) { return date as! T }
            return try YAMLNodeDecoder.decode(type, from: node, codingPath: codingPath + [key])
        }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            guard try !decodeNil(forKey: key) else { return nil }
            return try decode(type, forKey: key)
        }

        // Strings, integers and dates are most of a status file: these take them from the
        // node directly, and build a coding path only for the error when they fail.

        func decode(_ type: String.Type, forKey key: Key) throws -> String {
            let node = try node(key)
            if let text = YAMLLeaf.string(node) { return text }
            return try SingleValue(node: node, codingPath: codingPath + [key]).decode(String.self)
        }

        func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
            let node = try node(key)
            if let number = YAMLLeaf.int(node) { return number }
            return try SingleValue(node: node, codingPath: codingPath + [key]).decode(Int.self)
        }

        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
            guard let node = member(key.stringValue), !YAMLLeaf.isNull(node) else { return nil }
            if let text = YAMLLeaf.string(node) { return text }
            return try SingleValue(node: node, codingPath: codingPath + [key]).decode(String.self)
        }

        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
            guard let node = member(key.stringValue), !YAMLLeaf.isNull(node) else { return nil }
            if let number = YAMLLeaf.int(node) { return number }
            return try SingleValue(node: node, codingPath: codingPath + [key]).decode(Int.self)
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
            -> KeyedDecodingContainer<NestedKey>
        {
            try YAMLNodeDecoder(node: try node(key), codingPath: codingPath + [key]).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try YAMLNodeDecoder(node: try node(key), codingPath: codingPath + [key]).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder {
            YAMLNodeDecoder(node: .mapping([], Mark(line: 0, column: 0)), codingPath: codingPath)
        }

        func superDecoder(forKey key: Key) throws -> any Decoder {
            YAMLNodeDecoder(node: try node(key), codingPath: codingPath + [key])
        }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let items: [YAMLNode]
        let codingPath: [any CodingKey]
        var currentIndex = 0

        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        struct Index: CodingKey {
            var stringValue: String { String(intValue ?? 0) }
            var intValue: Int?
            init(_ index: Int) { intValue = index }
            init?(stringValue: String) { nil }
            init?(intValue: Int) { self.intValue = intValue }
        }

        private mutating func next() throws -> YAMLNode {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath, debugDescription: "list ended"))
            }
            defer { currentIndex += 1 }
            return items[currentIndex]
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd else { return true }
            guard YAMLLeaf.isNull(items[currentIndex]) else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let path = codingPath + [Index(currentIndex)]
            return try YAMLNodeDecoder.decode(type, from: try next(), codingPath: path)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            let path = codingPath + [Index(currentIndex)]
            return try YAMLNodeDecoder(node: try next(), codingPath: path).container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            let path = codingPath + [Index(currentIndex)]
            return try YAMLNodeDecoder(node: try next(), codingPath: path).unkeyedContainer()
        }

        mutating func superDecoder() throws -> any Decoder {
            let path = codingPath + [Index(currentIndex)]
            return YAMLNodeDecoder(node: try next(), codingPath: path)
        }
    }

    struct SingleValue: SingleValueDecodingContainer {
        let node: YAMLNode
        let codingPath: [any CodingKey]

        private func scalar() throws -> YAMLScalar {
            guard case .scalar(let scalar, _) = node else {
                throw DecodingError.typeMismatch(
                    Any.self, .init(codingPath: codingPath, debugDescription: "expected a scalar, got \(node.kindName)"))
            }
            return scalar
        }

        private func failure(_ expected: String) -> DecodingError {
            .typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "expected \(expected), got \(node.kindName)"))
        }

        func decodeNil() -> Bool { YAMLLeaf.isNull(node) }

        func decode(_ type: Bool.Type) throws -> Bool {
            guard case .bool(let value) = try scalar().resolved else { throw failure("a boolean") }
            return value
        }

        func decode(_ type: String.Type) throws -> String {
            if let text = YAMLLeaf.string(node) { return text }
            _ = try scalar()
            throw failure("a string")
        }

        func decode(_ type: Double.Type) throws -> Double {
            switch try scalar().resolved {
            case .int(let value): return Double(value)
            case .float(let value): return value
            default: throw failure("a number")
            }
        }

        func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

        func decode(_ type: Int.Type) throws -> Int {
            if let value = YAMLLeaf.int(node) { return value }
            _ = try scalar()
            throw failure("an integer")
        }

        func decode<T: BinaryInteger & Decodable>(integer type: T.Type) throws -> T {
            guard let value = T(exactly: try decode(Int.self)) else { throw failure("an integer in range") }
            return value
        }

        func decode(_ type: Int8.Type) throws -> Int8 { try decode(integer: type) }
        func decode(_ type: Int16.Type) throws -> Int16 { try decode(integer: type) }
        func decode(_ type: Int32.Type) throws -> Int32 { try decode(integer: type) }
        func decode(_ type: Int64.Type) throws -> Int64 { try decode(integer: type) }
        func decode(_ type: UInt.Type) throws -> UInt { try decode(integer: type) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try decode(integer: type) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try decode(integer: type) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try decode(integer: type) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try decode(integer: type) }

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try YAMLNodeDecoder.decode(type, from: node, codingPath: codingPath)
        }
    }
}
