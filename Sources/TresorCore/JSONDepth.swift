import Foundation

/// Foundation's `JSONDecoder` traps (it does not throw) on a text nested 512 levels deep,
/// so a hostile vault, token endpoint or API client could stop tresor with one response.
/// Every decode of outside JSON goes through ``JSONDecoder/decodeBounded(_:from:maxDepth:)``,
/// which refuses such text first. No document tresor reads nests deeper than a few levels.
public enum JSONDepth {
    public static let limit = 64

    /// True when no array or object in `bytes` is nested deeper than `limit` (strings are
    /// skipped, escapes included). The text need not be valid JSON.
    public static func nestsAtMost(_ bytes: some Sequence<UInt8>, _ limit: Int = JSONDepth.limit) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { return false }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return true
    }
}

extension JSONDecoder {
    /// `decode`, after refusing text nested deeper than `maxDepth` with a `DecodingError`.
    public func decodeBounded<T: Decodable>(_ type: T.Type, from data: Data, maxDepth: Int = JSONDepth.limit) throws -> T {
        guard JSONDepth.nestsAtMost(data, maxDepth) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: [], debugDescription: "the JSON text nests more than \(maxDepth) levels deep"))
        }
        return try decode(type, from: data)
    }
}
