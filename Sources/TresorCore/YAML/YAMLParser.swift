import CYAML

/// A problem that stops parsing a YAML stream, at the position libyaml reports.
public struct YAMLParseError: Error, Sendable, Equatable {
    public var message: String
    public var mark: Mark
}

/// Documents parsed before the first error, and that error if the stream had one.
public struct YAMLParseResult: Sendable {
    public var documents: [YAMLDocument]
    /// Problems that did not stop the walk, such as duplicate keys.
    public var problems: [YAMLParseError]
    /// The problem that stopped the walk, if any.
    public var error: YAMLParseError?
}

/// Turns libyaml's event stream into marked node trees.
///
/// The walk is iterative, so nesting depth costs no native stack; aliases are expanded
/// by value and charged at their full expanded size, so a "billion laughs" document is
/// refused once its aliases add more than ``maxExpandedNodes``. Nodes written out cost
/// input bytes and are not counted: a state file of 100,000 secrets has millions.
public enum YAMLParser {
    public static let maxDepth = 64
    public static let maxExpandedNodes = 1_000_000

    public static func parse(_ bytes: [UInt8]) -> YAMLParseResult {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            return YAMLParseResult(
                documents: [], problems: [], error: YAMLParseError(message: "could not start the YAML parser", mark: Mark(line: 1, column: 1)))
        }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeBufferPointer { buffer in
            // libyaml reads from the pointer lazily, so the buffer must outlive the walk.
            yaml_parser_set_input_string(&parser, buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!, buffer.count)
            var builder = TreeBuilder()
            return builder.run(&parser, input: buffer)
        }
    }
}

private struct TreeBuilder {
    struct Frame {
        var isMapping: Bool
        var mark: Mark
        var anchor: String?
        var start: Int
        var items: [YAMLNode] = []
        var pairs: [YAMLPair] = []
        var pendingKey: YAMLNode?
        var skipValue = false
        var seen: [String: Mark] = [:]
    }

    var documents: [YAMLDocument] = []
    var problems: [YAMLParseError] = []
    var stack: [Frame] = []
    var anchors: [String: (node: YAMLNode, weight: Int)] = [:]
    var documentMark = Mark(line: 1, column: 1)
    var documentRoot: YAMLNode?
    /// Nodes so far, aliases expanded: an anchor's weight is the span it covers.
    var expanded = 0
    /// Nodes added by aliases alone, what the bomb guard limits.
    var viaAliases = 0

    mutating func run(_ parser: inout yaml_parser_t, input: UnsafeBufferPointer<UInt8>) -> YAMLParseResult {
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else {
                return failed(Self.error(from: parser, input: input))
            }
            defer { yaml_event_delete(&event) }
            let mark = Mark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return YAMLParseResult(documents: documents, problems: problems, error: nil)
            case YAML_DOCUMENT_START_EVENT:
                documentMark = mark
                documentRoot = nil
                anchors = [:]
                expanded = 0
                viaAliases = 0
            case YAML_DOCUMENT_END_EVENT:
                documents.append(YAMLDocument(root: documentRoot, mark: documentMark))
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let text = scalar.value.map {
                    String(decoding: UnsafeBufferPointer(start: $0, count: Int(scalar.length)), as: UTF8.self)
                } ?? ""
                let isPlain = scalar.style == YAML_PLAIN_SCALAR_STYLE && scalar.tag == nil
                let node = YAMLNode.scalar(YAMLScalar(text: text, isPlain: isPlain), mark)
                expanded += 1
                if let anchor = Self.string(scalar.anchor) { anchors[anchor] = (node, 1) }
                add(node)
            case YAML_ALIAS_EVENT:
                let name = Self.string(event.data.alias.anchor) ?? ""
                guard let target = anchors[name] else {
                    return failed(YAMLParseError(message: "malformed YAML: alias '*\(Text.short(name))' refers to no anchor", mark: mark))
                }
                expanded += target.weight
                viaAliases += target.weight
                add(target.node)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                guard stack.count < YAMLParser.maxDepth else {
                    return failed(
                        YAMLParseError(
                            message: "nesting deeper than \(YAMLParser.maxDepth) levels; manifests are never this deep", mark: mark))
                }
                expanded += 1
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                let anchor = Self.string(isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor)
                stack.append(Frame(isMapping: isMapping, mark: mark, anchor: anchor, start: expanded))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let frame = stack.popLast() else { continue }
                let node: YAMLNode = frame.isMapping ? .mapping(frame.pairs, frame.mark) : .sequence(frame.items, frame.mark)
                if let anchor = frame.anchor { anchors[anchor] = (node, expanded - frame.start + 1) }
                add(node)
            default:
                continue
            }
            if viaAliases > YAMLParser.maxExpandedNodes {
                return failed(
                    YAMLParseError(
                        message: "document expands to more than \(YAMLParser.maxExpandedNodes) nodes through aliases; "
                            + "remove the nested anchors and aliases",
                        mark: documentMark))
            }
        }
    }

    private func failed(_ error: YAMLParseError) -> YAMLParseResult {
        YAMLParseResult(documents: documents, problems: problems, error: error)
    }

    /// Adds a finished node to the collection being built, or makes it the document root.
    private mutating func add(_ node: YAMLNode) {
        let top = stack.count - 1
        guard top >= 0 else {
            documentRoot = node
            return
        }
        guard stack[top].isMapping else {
            stack[top].items.append(node)
            return
        }
        if let key = stack[top].pendingKey {
            if !stack[top].skipValue { stack[top].pairs.append(YAMLPair(key: key, value: node)) }
            stack[top].pendingKey = nil
            stack[top].skipValue = false
            return
        }
        stack[top].pendingKey = node
        guard case .scalar(let scalar, let keyMark) = node, let first = Self.firstMark(of: scalar.text, in: &stack[top]) else { return }
        // The first value wins; the duplicate is reported and dropped so decoding can go on.
        problems.append(
            YAMLParseError(
                message: "duplicate key '\(Text.short(scalar.text))' (first at line \(first.line), column \(first.column)); keep one",
                mark: keyMark))
        stack[top].skipValue = true
    }

    /// Where `key` first appeared in the mapping being built, if it already did. Small
    /// mappings (nearly all of a manifest) are scanned; large ones get an index.
    private static func firstMark(of key: String, in frame: inout Frame) -> Mark? {
        if frame.pairs.count < 16 {
            for pair in frame.pairs {
                if case .scalar(let existing, let mark) = pair.key, existing.text == key { return mark }
            }
            return nil
        }
        if frame.seen.isEmpty {
            for pair in frame.pairs {
                if case .scalar(let existing, let mark) = pair.key, frame.seen[existing.text] == nil { frame.seen[existing.text] = mark }
            }
        }
        if let mark = frame.seen[key] { return mark }
        if case .scalar(_, let mark)? = frame.pendingKey { frame.seen[key] = mark }
        return nil
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    /// libyaml puts the end of a stream whose last line has no line break on the line
    /// after it, where no editor can go: a position past the input is the input's end.
    static func error(from parser: yaml_parser_t, input: UnsafeBufferPointer<UInt8>) -> YAMLParseError {
        var error = described(parser, input: input)
        let end = mark(atByte: input.count, in: input)
        if !isUTF16(input), (error.mark.line, error.mark.column) > (end.line, end.column) { error.mark = end }
        return error
    }

    private static func described(_ parser: yaml_parser_t, input: UnsafeBufferPointer<UInt8>) -> YAMLParseError {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
        if parser.error == YAML_READER_ERROR {
            // Bytes libyaml cannot decode come with a byte offset instead of a mark. The byte
            // itself stays out of the message: it may be part of a secret.
            var offset = Int(parser.problem_offset)
            if problem == "invalid trailing UTF-8 octet" {
                // Point at the character that went wrong, not at the byte after its start.
                var lead = min(offset, input.count) - 1
                while lead > 0, lead > offset - 4, input[lead] & 0xC0 == 0x80 { lead -= 1 }
                if lead >= 0, input[lead] >= 0xC0 { offset = lead }
            }
            let hint = problem.hasPrefix("control characters") ? " (is this a binary file?)" : "; manifests must be saved as UTF-8"
            return YAMLParseError(message: "malformed YAML: \(problem)\(hint)", mark: mark(atByte: offset, in: input))
        }
        let problemMark = Mark(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
        let offset = byteOffset(of: problemMark, in: input)
        if let offset, offset < input.count, input[offset] == UInt8(ascii: "\t") {
            // libyaml says "found character that cannot start any token", which does not name the culprit.
            return YAMLParseError(message: "malformed YAML: a tab character; YAML indents with spaces, never tabs", mark: problemMark)
        }
        var message = "malformed YAML: \(problem)"
        if let context = parser.context.map({ String(cString: $0) }) {
            let start = Mark(line: Int(parser.context_mark.line) + 1, column: Int(parser.context_mark.column) + 1)
            if let offset, offset >= input.count {
                // The end of the file is no place to look: point at what was left open.
                return YAMLParseError(message: message + " (\(context) that starts here and is never closed)", mark: start)
            }
            message += " (\(context) that starts at line \(start.line), column \(start.column))"
        }
        if let hint = hints[problem] { message += "; \(hint)" }
        return YAMLParseError(message: message, mark: problemMark)
    }

    /// What usually causes libyaml's least telling problems.
    private static let hints = [
        "did not find expected key": "check the indentation of this line",
        "mapping values are not allowed in this context": "check the indentation of this line, or quote a value that contains ': '",
    ]

    /// The line and column of a byte offset in UTF-8 input (1:1 for UTF-16 input).
    private static func mark(atByte offset: Int, in input: UnsafeBufferPointer<UInt8>) -> Mark {
        guard !isUTF16(input) else { return Mark(line: 1, column: 1) }
        var line = 1
        var column = 1
        for byte in input.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return Mark(line: line, column: column)
    }

    /// The byte offset of a mark (whose column counts characters) in UTF-8 input; nil for UTF-16 input.
    private static func byteOffset(of mark: Mark, in input: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !isUTF16(input) else { return nil }
        var line = 1
        var offset = 0
        while line < mark.line, offset < input.count {
            if input[offset] == UInt8(ascii: "\n") { line += 1 }
            offset += 1
        }
        var column = 1
        while column < mark.column, offset < input.count {
            offset += 1
            while offset < input.count, input[offset] & 0xC0 == 0x80 { offset += 1 }
            column += 1
        }
        return offset
    }

    private static func isUTF16(_ input: UnsafeBufferPointer<UInt8>) -> Bool {
        input.count >= 2 && ((input[0] == 0xFF && input[1] == 0xFE) || (input[0] == 0xFE && input[1] == 0xFF))
    }
}
