/// A field name set of one manifest object: what the decoder accepts and the JSON
/// Schema must list, kept in one place so the two cannot drift.
public protocol ManifestObject {
    associatedtype Field: RawRepresentable, CaseIterable, Hashable, Sendable where Field.RawValue == String
    /// The object's name under `$defs` in the JSON Schemas.
    static var schemaName: String { get }
    static var requiredFields: [Field] { get }
    /// True where a mistyped key may be a secret value (`password: {hunter2}` parses as
    /// a mapping whose key is the value), so messages must not repeat unknown keys.
    static var keysMayHoldValues: Bool { get }
}

extension ManifestObject {
    public static var requiredFields: [Field] { [] }
    public static var keysMayHoldValues: Bool { false }
    public static var fieldNames: [String] { Field.allCases.map(\.rawValue) }
    public static var requiredFieldNames: [String] { requiredFields.map(\.rawValue) }
}

/// Reads the fields of one YAML mapping, reporting unknown keys, missing required
/// fields and wrong types against the object's declared field set.
struct ObjectReader<Object: ManifestObject> {
    typealias Field = Object.Field

    let path: String
    let mark: Mark
    let context: DecodeContext
    private var entries: [Field: YAMLPair] = [:]
    /// Fields an unknown key was reported as a likely misspelling of.
    private var misspelt = Set<Field>()
    /// Whether any key was unknown: then "found none" would only repeat that report.
    private var hadUnknownKeys = false

    /// Nil, with an error reported, when `node` is not a mapping.
    init?(_ node: YAMLNode, path: String, context: DecodeContext, as _: Object.Type = Object.self) {
        guard case .mapping(let pairs, let mark) = node else {
            context.error("\(path): expected a mapping, got \(node.kindName)", at: node.mark)
            return nil
        }
        self.path = path
        self.mark = mark
        self.context = context
        for pair in pairs {
            guard case .scalar(let key, _) = pair.key else {
                context.error("\(path): field names must be strings, got \(pair.key.kindName)", at: pair.key.mark)
                continue
            }
            if let field = Field(rawValue: key.text) {
                entries[field] = pair
            } else {
                context.error(Self.unknownFieldMessage(key.text, path: path), at: pair.key.mark)
                hadUnknownKeys = true
                if let guess = Text.suggestion(for: key.text, among: Object.fieldNames), let field = Field(rawValue: guess) {
                    misspelt.insert(field)
                }
            }
        }
        // A misspelt field was reported with its right name; "missing" would say it twice.
        for field in Object.requiredFields where entries[field] == nil && !misspelt.contains(field) {
            context.error("\(path.isEmpty ? "manifest" : path): missing required field '\(field.rawValue)'", at: mark)
        }
    }

    static func unknownFieldMessage(_ key: String, path: String) -> String {
        let path = path.isEmpty ? "the manifest" : path
        let known = Object.fieldNames
        if let guess = Text.suggestion(for: key, among: known) {
            return "unknown field '\(Text.short(key))' in \(path); did you mean '\(guess)'?"
        }
        if Object.keysMayHoldValues {
            return "unknown key in \(path) (not repeated here, as it may be a secret value); expected one of: "
                + known.joined(separator: ", ")
        }
        return "unknown field '\(Text.short(key))' in \(path); expected one of: \(known.joined(separator: ", "))"
    }


    subscript(field: Field) -> YAMLNode? { entries[field]?.value }

    func path(_ field: Field) -> String { path.isEmpty ? field.rawValue : "\(path).\(field.rawValue)" }
    func keyMark(_ field: Field) -> Mark { entries[field]?.key.mark ?? mark }
    func valueMark(_ field: Field) -> Mark { entries[field]?.value.mark ?? mark }

    func string(_ field: Field) -> String? {
        guard let node = self[field] else { return nil }
        return Values.string(node, path: path(field), context: context)
    }

    func nonEmptyString(_ field: Field) -> String? {
        guard let value = string(field) else { return nil }
        if value.isEmpty {
            context.error("\(path(field)): must not be empty", at: valueMark(field))
            return nil
        }
        return value
    }

    func bool(_ field: Field) -> Bool? {
        guard let node = self[field] else { return nil }
        return Values.bool(node, path: path(field), context: context)
    }

    func int(_ field: Field, in range: ClosedRange<Int>) -> Int? {
        guard let node = self[field] else { return nil }
        return Values.int(node, path: path(field), in: range, context: context)
    }

    func number(_ field: Field, greaterThan minimum: Double) -> Double? {
        guard let node = self[field] else { return nil }
        return Values.number(node, path: path(field), greaterThan: minimum, context: context)
    }

    func choice<E: RawRepresentable & CaseIterable & Sendable>(_ field: Field, as _: E.Type = E.self) -> E? where E.RawValue == String {
        guard let node = self[field] else { return nil }
        return Values.choice(node, path: path(field), context: context)
    }

    func choices<E: RawRepresentable & CaseIterable & Hashable & Sendable>(_ field: Field, as _: E.Type = E.self) -> [E]?
    where E.RawValue == String {
        guard let node = self[field] else { return nil }
        return Values.list(node, path: path(field), context: context) { item, itemPath in
            Values.choice(item, path: itemPath, context: context) as E?
        }.map(Values.unique)
    }

    func strings(_ field: Field) -> [String]? {
        guard let node = self[field] else { return nil }
        return Values.list(node, path: path(field), context: context) { item, itemPath in
            Values.string(item, path: itemPath, context: context)
        }
    }

    func stringMap(_ field: Field) -> [String: String]? {
        guard let node = self[field] else { return nil }
        return Values.stringMap(node, path: path(field), context: context)
    }

    func period(_ field: Field) -> Period? {
        guard let node = self[field] else { return nil }
        return Values.period(node, path: path(field), context: context)
    }

    func object<Nested: ManifestObject>(_ field: Field, as type: Nested.Type) -> ObjectReader<Nested>? {
        guard let node = self[field] else { return nil }
        return ObjectReader<Nested>(node, path: path(field), context: context)
    }

    func location(_ field: Field) -> SourceLocation { context.location(valueMark(field)) }

    /// Reports an error unless exactly one of `fields` is present; returns that one.
    func exactlyOne(of fields: [Field], what: String) -> Field? {
        // In source order, so the error points at the one that came second.
        let present = fields.filter { entries[$0] != nil }.sorted { keyMark($0) < keyMark($1) }
        let names = fields.map(\.rawValue)
        switch present.count {
        case 1:
            return present[0]
        case 0 where hadUnknownKeys:
            break  // the unknown (likely misspelt) key is already reported
        case 0:
            context.error("\(path): \(what) needs exactly one of \(Text.list(names)), found none", at: mark)
        default:
            context.error(
                "\(path): \(what) needs exactly one of \(Text.list(names)), found \(Text.list(present.map(\.rawValue), conjunction: "and"))",
                at: keyMark(present[1]))
        }
        return nil
    }
}

extension YAMLNode {
    /// The node's kind as messages name it: "a mapping", "a list", "a string", ….
    var kindName: String {
        switch self {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar(let scalar, _): scalar.resolved.typeName
        }
    }
}
