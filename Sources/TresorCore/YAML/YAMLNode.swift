/// A position in a source file, 1-based as editors and compilers print it.
public struct Mark: Sendable, Hashable, Comparable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: Mark, rhs: Mark) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

/// A scalar as written: its text and whether it was quoted or tagged, which decides
/// whether `true`, `null` or `42` mean a boolean, nothing or a number.
public struct YAMLScalar: Sendable, Hashable {
    public var text: String
    /// Plain (unquoted, untagged) scalars are resolved by the YAML 1.2 core schema.
    public var isPlain: Bool

    public init(text: String, isPlain: Bool) {
        self.text = text
        self.isPlain = isPlain
    }
}

/// One node of a YAML document, with the position it starts at.
public indirect enum YAMLNode: Sendable {
    case scalar(YAMLScalar, Mark)
    case mapping([YAMLPair], Mark)
    case sequence([YAMLNode], Mark)

    public var mark: Mark {
        switch self {
        case .scalar(_, let mark), .mapping(_, let mark), .sequence(_, let mark): mark
        }
    }
}

/// A key and its value in a mapping, in source order.
public struct YAMLPair: Sendable {
    public var key: YAMLNode
    public var value: YAMLNode

    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

/// A document of a multi-document stream; `root` is nil for an empty document.
public struct YAMLDocument: Sendable {
    public var root: YAMLNode?
    public var mark: Mark
}
