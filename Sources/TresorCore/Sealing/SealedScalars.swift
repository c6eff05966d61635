/// A `sealed` scalar in a manifest file: what it is bound to and the exact bytes of its
/// text, so that it can be replaced without touching a byte around it.
public struct SealedScalar: Sendable {
    public var binding: SealedBinding
    public var text: String
    public var mark: Mark
    /// The bytes of the scalar's text, inside its quotes when it is quoted.
    public var range: Range<Int>
}

/// Finds every sealed value of a manifest file and rewrites them in place.
public enum SealedScalars {
    public struct Problem: Sendable {
        public var mark: Mark
        public var message: String
    }

    /// Every `sealed: …` of Secrets and VaultProfiles in `bytes`, with the problems of those
    /// whose bytes cannot be replaced in place (block scalars, escapes, text over several lines).
    public static func find(in bytes: [UInt8]) -> (scalars: [SealedScalar], problems: [Problem]) {
        let parsed = YAMLParser.parse(bytes)
        let lines = LineIndex(bytes)
        var scalars: [SealedScalar] = []
        var problems: [Problem] = []
        for document in parsed.documents {
            guard case .mapping(let pairs, _)? = document.root,
                let kind = scalarText(pairs, "kind").flatMap(Kind.init(rawValue:)),
                case .mapping(let metadata, _)? = value(pairs, "metadata"), let name = scalarText(metadata, "name"),
                let spec = value(pairs, "spec")
            else { continue }
            walk(spec, path: "spec") { path, node in
                guard case .scalar(let scalar, let mark) = node,
                    let binding = SealedBinding(kind: kind, name: name, manifestPath: path)
                else { return }
                switch lines.textRange(of: scalar.text, at: mark, in: bytes) {
                case .success(let range):
                    scalars.append(SealedScalar(binding: binding, text: scalar.text, mark: mark, range: range))
                case .failure(let problem):
                    problems.append(Problem(mark: mark, message: "\(path).sealed: \(problem.message)"))
                }
            }
        }
        return (scalars, problems)
    }

    /// `bytes` with each range replaced by its text; ranges must not overlap.
    public static func replacing(_ bytes: [UInt8], _ replacements: [(range: Range<Int>, text: String)]) -> [UInt8] {
        var result = bytes
        for replacement in replacements.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            result.replaceSubrange(replacement.range, with: Array(replacement.text.utf8))
        }
        return result
    }

    /// Calls `visit` with the path of every mapping that holds a `sealed` key and its value.
    private static func walk(_ node: YAMLNode, path: String, visit: (String, YAMLNode) -> Void) {
        switch node {
        case .mapping(let pairs, _):
            for pair in pairs {
                guard case .scalar(let key, _) = pair.key else { continue }
                if key.text == "sealed" { visit(path, pair.value) }
                walk(pair.value, path: path + "." + key.text, visit: visit)
            }
        case .sequence(let items, _):
            for (index, item) in items.enumerated() { walk(item, path: "\(path)[\(index)]", visit: visit) }
        case .scalar:
            break
        }
    }

    private static func value(_ pairs: [YAMLPair], _ key: String) -> YAMLNode? {
        pairs.first { if case .scalar(let scalar, _) = $0.key { scalar.text == key } else { false } }?.value
    }

    private static func scalarText(_ pairs: [YAMLPair], _ key: String) -> String? {
        if case .scalar(let scalar, _)? = value(pairs, key) { return scalar.text }
        return nil
    }
}

/// Byte offsets of the lines of a file, to turn a parser mark into a byte position.
struct LineIndex {
    struct Problem: Error {
        var message: String
    }

    private var starts: [Int] = [0]

    init(_ bytes: [UInt8]) {
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") { starts.append(offset + 1) }
    }

    /// The byte offset of a 1-based line and column; libyaml counts columns in characters.
    func offset(of mark: Mark, in bytes: [UInt8]) -> Int? {
        guard mark.line >= 1, mark.line <= starts.count else { return nil }
        var offset = starts[mark.line - 1]
        var column = 1
        while column < mark.column {
            guard offset < bytes.count else { return nil }
            let byte = bytes[offset]
            // Skip a whole UTF-8 sequence: its continuation bytes are 0b10xxxxxx.
            offset += 1
            while offset < bytes.count, bytes[offset] & 0xC0 == 0x80 { offset += 1 }
            if byte == UInt8(ascii: "\n") { return nil }
            column += 1
        }
        return offset
    }

    /// The bytes of a scalar's text starting at `mark`: inside its quotes, or the plain
    /// text itself. Fails unless those bytes are exactly `text`, so a replacement can
    /// never change anything but the scalar.
    func textRange(of text: String, at mark: Mark, in bytes: [UInt8]) -> Result<Range<Int>, Problem> {
        guard let start = offset(of: mark, in: bytes), start < bytes.count else {
            return .failure(Problem(message: "cannot find the value's position in the file"))
        }
        let expected = Array(text.utf8)
        let range: Range<Int>
        switch bytes[start] {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            range = (start + 1)..<(start + 1 + expected.count)
            guard range.upperBound < bytes.count, bytes[range.upperBound] == bytes[start] else {
                return .failure(Problem(message: "the quoted value uses escapes or spans several lines; write it on one line to reseal it"))
            }
        case UInt8(ascii: "|"), UInt8(ascii: ">"):
            return .failure(Problem(message: "a block scalar (| or >) cannot be resealed in place; write the value on one line"))
        default:
            range = start..<(start + expected.count)
        }
        guard range.upperBound <= bytes.count, Array(bytes[range]) == expected else {
            return .failure(Problem(message: "the value spans several lines or uses escapes; write it on one line to reseal it"))
        }
        return .success(range)
    }
}
