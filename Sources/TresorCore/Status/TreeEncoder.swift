import Foundation

/// A Codable encoder straight into an ``EncodedTree``: status files are written on
/// every change of every secret, and encoding to JSON text only to parse it back cost
/// more than the rest of the write. Keys are sorted; dates are RFC 3339 with
/// milliseconds (``StatusCoding/formatDate(_:)``).
enum TreeEncoder {
    static func encode<T: Encodable>(_ value: T) throws -> EncodedTree {
        let root = TreeNode()
        try TreeNode.encode(value, into: root, codingPath: [])
        return root.tree
    }
}

/// A node under construction. Containers hand out child nodes before their content is
/// known, so nodes are references until the whole value is encoded.
final class TreeNode {
    enum Content {
        case empty
        case object([String: TreeNode])
        case array([TreeNode])
        case leaf(EncodedTree)
    }

    var content: Content = .empty

    var tree: EncodedTree {
        switch content {
        case .empty: return .object([])
        case .leaf(let value): return value
        case .array(let items): return .array(items.map(\.tree))
        case .object(let members): return .object(members.sorted { $0.key < $1.key }.map { ($0.key, $0.value.tree) })
        }
    }

    func member(_ key: String) -> TreeNode {
        let node = TreeNode()
        if case .object(var members) = content {
            // Uniquely referenced once taken out, so the insert does not copy the dictionary.
            content = .empty
            members[key] = node
            content = .object(members)
        } else {
            content = .object([key: node])
        }
        return node
    }

    func appendItem() -> TreeNode {
        let node = TreeNode()
        if case .array(var items) = content {
            content = .empty
            items.append(node)
            content = .array(items)
        } else {
            content = .array([node])
        }
        return node
    }

    var itemCount: Int {
        if case .array(let items) = content { return items.count }
        return 0
    }

    static func encode<T: Encodable>(_ value: T, into node: TreeNode, codingPath: [any CodingKey]) throws {
        switch value {
        case let date as Date: node.content = .leaf(.string(StatusCoding.formatDate(date)))
        case let text as String: node.content = .leaf(.string(text))
        case let flag as Bool: node.content = .leaf(.bool(flag))
        case let number as Int: node.content = .leaf(.number(String(number)))
        default: try value.encode(to: TreeNodeEncoder(node: node, codingPath: codingPath))
        }
    }
}

struct TreeNodeEncoder: Encoder {
    let node: TreeNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = node.content {} else { node.content = .object([:]) }
        return KeyedEncodingContainer(TreeKeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = node.content {} else { node.content = .array([]) }
        return TreeUnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        TreeSingleValueContainer(node: node, codingPath: codingPath)
    }
}

/// Doubles as JSONEncoder writes them: integral values without a fraction.
private func numberText(_ value: Double) throws -> String {
    guard value.isFinite else {
        throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "\(value) cannot be written"))
    }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
}

struct TreeKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: TreeNode
    let codingPath: [any CodingKey]

    private func leaf(_ key: Key, _ value: EncodedTree) { node.member(key.stringValue).content = .leaf(value) }

    mutating func encodeNil(forKey key: Key) throws { leaf(key, .null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { leaf(key, .bool(value)) }
    mutating func encode(_ value: String, forKey key: Key) throws { leaf(key, .string(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { leaf(key, .number(try numberText(value))) }
    mutating func encode(_ value: Float, forKey key: Key) throws { leaf(key, .number(try numberText(Double(value)))) }
    mutating func encode(_ value: Int, forKey key: Key) throws { leaf(key, .number(String(value))) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { leaf(key, .number(String(value))) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { leaf(key, .number(String(value))) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { leaf(key, .number(String(value))) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { leaf(key, .number(String(value))) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { leaf(key, .number(String(value))) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { leaf(key, .number(String(value))) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { leaf(key, .number(String(value))) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { leaf(key, .number(String(value))) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { leaf(key, .number(String(value))) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try TreeNode.encode(value, into: node.member(key.stringValue), codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        let child = node.member(key.stringValue)
        child.content = .object([:])
        return KeyedEncodingContainer(TreeKeyedContainer<NestedKey>(node: child, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = node.member(key.stringValue)
        child.content = .array([])
        return TreeUnkeyedContainer(node: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { TreeNodeEncoder(node: node.member("super"), codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        TreeNodeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key])
    }
}

struct TreeUnkeyedContainer: UnkeyedEncodingContainer {
    struct Index: CodingKey {
        var intValue: Int?
        var stringValue: String { String(intValue ?? 0) }
        init(intValue: Int) { self.intValue = intValue }
        init?(stringValue: String) { nil }
    }

    let node: TreeNode
    let codingPath: [any CodingKey]
    var count: Int { node.itemCount }

    private func leaf(_ value: EncodedTree) { node.appendItem().content = .leaf(value) }

    mutating func encodeNil() throws { leaf(.null) }
    mutating func encode(_ value: Bool) throws { leaf(.bool(value)) }
    mutating func encode(_ value: String) throws { leaf(.string(value)) }
    mutating func encode(_ value: Double) throws { leaf(.number(try numberText(value))) }
    mutating func encode(_ value: Float) throws { leaf(.number(try numberText(Double(value)))) }
    mutating func encode(_ value: Int) throws { leaf(.number(String(value))) }
    mutating func encode(_ value: Int8) throws { leaf(.number(String(value))) }
    mutating func encode(_ value: Int16) throws { leaf(.number(String(value))) }
    mutating func encode(_ value: Int32) throws { leaf(.number(String(value))) }
    mutating func encode(_ value: Int64) throws { leaf(.number(String(value))) }
    mutating func encode(_ value: UInt) throws { leaf(.number(String(value))) }
    mutating func encode(_ value: UInt8) throws { leaf(.number(String(value))) }
    mutating func encode(_ value: UInt16) throws { leaf(.number(String(value))) }
    mutating func encode(_ value: UInt32) throws { leaf(.number(String(value))) }
    mutating func encode(_ value: UInt64) throws { leaf(.number(String(value))) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let index = Index(intValue: count)
        try TreeNode.encode(value, into: node.appendItem(), codingPath: codingPath + [index])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let index = Index(intValue: count)
        let child = node.appendItem()
        child.content = .object([:])
        return KeyedEncodingContainer(TreeKeyedContainer<NestedKey>(node: child, codingPath: codingPath + [index]))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let index = Index(intValue: count)
        let child = node.appendItem()
        child.content = .array([])
        return TreeUnkeyedContainer(node: child, codingPath: codingPath + [index])
    }

    mutating func superEncoder() -> any Encoder {
        let index = Index(intValue: count)
        return TreeNodeEncoder(node: node.appendItem(), codingPath: codingPath + [index])
    }
}

struct TreeSingleValueContainer: SingleValueEncodingContainer {
    let node: TreeNode
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.content = .leaf(.null) }
    mutating func encode(_ value: Bool) throws { node.content = .leaf(.bool(value)) }
    mutating func encode(_ value: String) throws { node.content = .leaf(.string(value)) }
    mutating func encode(_ value: Double) throws { node.content = .leaf(.number(try numberText(value))) }
    mutating func encode(_ value: Float) throws { node.content = .leaf(.number(try numberText(Double(value)))) }
    mutating func encode(_ value: Int) throws { node.content = .leaf(.number(String(value))) }
    mutating func encode(_ value: Int8) throws { node.content = .leaf(.number(String(value))) }
    mutating func encode(_ value: Int16) throws { node.content = .leaf(.number(String(value))) }
    mutating func encode(_ value: Int32) throws { node.content = .leaf(.number(String(value))) }
    mutating func encode(_ value: Int64) throws { node.content = .leaf(.number(String(value))) }
    mutating func encode(_ value: UInt) throws { node.content = .leaf(.number(String(value))) }
    mutating func encode(_ value: UInt8) throws { node.content = .leaf(.number(String(value))) }
    mutating func encode(_ value: UInt16) throws { node.content = .leaf(.number(String(value))) }
    mutating func encode(_ value: UInt32) throws { node.content = .leaf(.number(String(value))) }
    mutating func encode(_ value: UInt64) throws { node.content = .leaf(.number(String(value))) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try TreeNode.encode(value, into: node, codingPath: codingPath)
    }
}
