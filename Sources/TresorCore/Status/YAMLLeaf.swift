import Foundation

/// A scalar's value as the status readers take it (``YAMLNodeDecoder`` and
/// ``NodeReadable``), or nil where it is not one: the one place that says which YAML
/// scalars are a string, an integer, a time or null.
enum YAMLLeaf {
    static func isNull(_ node: YAMLNode) -> Bool {
        if case .scalar(let scalar, _) = node, scalar.isPlain, scalar.resolved == .null { return true }
        return false
    }

    static func string(_ node: YAMLNode) -> String? {
        guard case .scalar(let scalar, _) = node else { return nil }
        guard scalar.isPlain else { return scalar.text }
        switch scalar.resolved {
        case .string(let text): return text
        case .null: return nil
        default: return scalar.text
        }
    }

    static func int(_ node: YAMLNode) -> Int? {
        guard case .scalar(let scalar, _) = node, case .int(let value) = scalar.resolved else { return nil }
        return value
    }

    static func date(_ node: YAMLNode) -> Date? {
        string(node).flatMap { Timestamp(rfc3339: $0)?.date }
    }
}
