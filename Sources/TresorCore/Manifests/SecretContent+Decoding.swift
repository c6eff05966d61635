import Foundation

extension SecretContent {
    static func decode(
        _ node: YAMLNode, type: SecretType, allowInline: Bool, context: DecodeContext, fields: inout [String: SourceLocation]
    ) -> SecretContent? {
        guard case .mapping(let pairs, let mark) = node else {
            context.error("spec.content: expected a mapping of the \(type.rawValue) fields, got \(node.kindName)", at: node.mark)
            return nil
        }
        let before = context.errorCount
        let declared = type.contentFields
        let names = declared.map(\.name)
        var values: [String: ValueSource] = [:]
        var present = Set<String>()
        var misspelt = Set<String>()
        // `encoding: base64` decides what an inline `content` must look like, wherever it is written.
        let base64 = type == .generic && pairs.contains { pair in
            guard case .scalar(let key, _) = pair.key, key.text == "encoding", case .scalar(let value, _) = pair.value else { return false }
            return value.text == ContentEncoding.base64.rawValue
        }
        for pair in pairs {
            guard case .scalar(let key, let keyMark) = pair.key else {
                context.error("spec.content: field names must be strings, got \(pair.key.kindName)", at: pair.key.mark)
                continue
            }
            guard let field = declared.first(where: { $0.name == key.text }) else {
                var message = "unknown field '\(Text.short(key.text))' in spec.content: \(type.withArticle) has "
                    + Text.list(names.map { "'\($0)'" }, conjunction: "and")
                if let guess = Text.suggestion(for: key.text, among: names) {
                    message += "; did you mean '\(guess)'?"
                    misspelt.insert(guess)
                }
                context.error(message, at: keyMark)
                continue
            }
            present.insert(field.name)
            let path = "spec.content.\(field.name)"
            if type == .keyValue {
                decodeData(pair.value, field: field, allowInline: allowInline, context: context, into: &values, fields: &fields)
            } else if let value = ValueSource.decode(
                pair.value, field: field, type: type, path: path, allowInline: allowInline, base64: base64, context: context)
            {
                values[field.name] = value
                fields[path] = context.location(pair.value.mark)
                if let mark = sealedMark(pair.value) { fields[path + ".sealed"] = context.location(mark) }
            }
        }
        // A misspelt field was reported with its right name; "missing" would say it twice.
        for field in declared where field.isRequired && !present.contains(field.name) && !misspelt.contains(field.name) {
            context.error("spec.content: missing required field '\(field.name)' for \(type.withArticle)", at: mark)
        }
        guard context.errorCount == before else { return nil }
        return SecretContent(fields: values)
    }

    /// Where the text of `{sealed: …}` is, for messages about a value that does not open.
    private static func sealedMark(_ node: YAMLNode) -> Mark? {
        guard case .mapping(let pairs, _) = node else { return nil }
        return pairs.first { if case .scalar(let key, _) = $0.key { key.text == "sealed" } else { false } }?.value.mark
    }

    /// `keyValue` content: `data`, a map whose every value is a secret field.
    private static func decodeData(
        _ node: YAMLNode, field: ContentField, allowInline: Bool, context: DecodeContext,
        into values: inout [String: ValueSource], fields: inout [String: SourceLocation]
    ) {
        guard case .mapping(let pairs, _) = node else {
            context.error("spec.content.data: expected a mapping of keys to values, got \(node.kindName)", at: node.mark)
            return
        }
        if pairs.isEmpty {
            context.error("spec.content.data: a keyValue secret needs at least one key", at: node.mark)
        }
        for pair in pairs {
            guard case .scalar(let key, let keyMark) = pair.key else {
                context.error("spec.content.data: keys must be strings, got \(pair.key.kindName)", at: pair.key.mark)
                continue
            }
            guard Names.isDataKey(key.text) else {
                context.error(
                    "spec.content.data: '\(Text.short(key.text))' is not a valid key; expected letters, digits, '-', '_' and '.'",
                    at: keyMark)
                continue
            }
            let path = "spec.content.data.\(key.text)"
            if let value = ValueSource.decode(
                pair.value, field: field, type: .keyValue, path: path, allowInline: allowInline, context: context)
            {
                values[key.text] = value
                fields[path] = context.location(pair.value.mark)
                if let mark = sealedMark(pair.value) { fields[path + ".sealed"] = context.location(mark) }
            }
        }
    }
}

extension ValueSource {
    /// - Parameter base64: the secret declares `encoding: base64`, so an inline `content` must be base64.
    static func decode(
        _ node: YAMLNode, field: ContentField, type: SecretType, path: String, allowInline: Bool, base64: Bool = false,
        context: DecodeContext
    ) -> ValueSource? {
        if let choices = field.choices {
            guard let text = Values.string(node, path: path, context: context) else { return nil }
            guard choices.contains(text) else {
                var message = "\(path): '\(Text.short(text))' is not valid; expected \(Text.list(choices))"
                if let guess = Text.suggestion(for: text, among: choices) { message += " (did you mean '\(guess)'?)" }
                context.error(message, at: node.mark)
                return nil
            }
            return .literal(SecretValue(text))
        }
        switch node {
        case .sequence:
            context.error(
                "\(path): expected a value or one of {fromEnv: NAME}, {fromFile: PATH}, {generate: …}, {sealed: …}, got a list",
                at: node.mark)
            return nil
        case .scalar(let scalar, let mark):
            if scalar.resolved == .null {
                context.error(
                    "\(path): has no value; give one with {fromEnv: NAME}, {fromFile: PATH}, {generate: …} or {sealed: …}", at: mark)
                return nil
            }
            if field.isSecret {
                guard allowInline else {
                    context.error(
                        "\(path): inline secret values must not be committed; use {fromEnv: NAME}, {fromFile: PATH}, "
                            + "{generate: …} or {sealed: …}, or set spec.allowInlineValues: true for test and demo data",
                        at: mark)
                    return nil
                }
                if let problem = LiteralFormat.problem(scalar.text, type: type, field: field.name, base64: base64) {
                    context.error("\(path): \(problem)", at: mark)
                    return nil
                }
                context.warning("\(path): inline secret value (allowed by spec.allowInlineValues); keep real secrets out of git", at: mark)
            }
            return .literal(SecretValue(scalar.text))
        case .mapping:
            guard let reader = ObjectReader<ValueSourceSpec>(node, path: path, context: context),
                let source = reader.exactlyOne(of: ValueSourceSpec.Field.allCases, what: "a value")
            else { return nil }
            switch source {
            case .fromEnv: return reader.environmentName(.fromEnv).map(ValueSource.fromEnv)
            case .fromFile:
                guard let file = reader.nonEmptyString(.fromFile) else { return nil }
                if let root = context.repositoryRoot, context.repository.leaves(file, manifestFile: context.file, root: root) {
                    context.warning(
                        "\(path).fromFile: '\(Text.short(file))' is outside the manifest repository (\(root)); a change to what it "
                            + "reads is not reviewed with the manifests, so make sure the file is meant to be there",
                        at: reader.valueMark(.fromFile))
                }
                return .fromFile(file)
            case .sealed: return reader.sealed(.sealed).map(ValueSource.sealed)
            case .generate:
                guard let kind = field.generator else {
                    context.error(
                        "\(path).generate: the \(field.name) of \(type.withArticle) cannot be generated; "
                            + "use fromEnv, fromFile or sealed",
                        at: reader.keyMark(.generate))
                    return nil
                }
                return reader[.generate]
                    .flatMap { Generator.decode($0, kind: kind, path: reader.path(.generate), context: context) }
                    .map(ValueSource.generate)
            }
        }
    }
}

/// Checks that a value has the shape its type requires: offline for inline values, and
/// by the reconciler for every value whatever its source. Messages describe the shape,
/// never the value.
public enum LiteralFormat {
    /// - Parameter subject: how the message names the value ("the inline value", "the value from env X").
    public static func problem(
        _ value: String, type: SecretType, field: String, base64: Bool = false, subject: String = "the inline value"
    ) -> String? {
        switch (type, field) {
        case (.generic, "content") where base64 && !value.isEmpty:
            return isBase64(value) ? nil : "encoding is base64 but \(subject) is not valid base64"
        case (.secretKey, "content"):
            return isBase64(value) ? nil : "a secretKey holds the base64 of the raw key bytes; \(subject) is not valid base64"
        case (.keyStore, "content"):
            return isBase64(value) ? nil : "a keyStore holds the base64 of the keystore file; \(subject) is not valid base64"
        case (.privateKey, "content"):
            return isPEMPrivateKey(value)
                ? nil : "a privateKey holds a PEM private key (-----BEGIN … PRIVATE KEY-----); \(subject) is not one"
        case (.jwtToken, "content"):
            return isCompactJWS(value)
                ? nil : "a jwtToken holds a compact JWS (three base64url parts joined by '.'); \(subject) is not one"
        default:
            return value.isEmpty ? "must not be empty" : nil
        }
    }

    public static func isBase64(_ value: String) -> Bool {
        let trimmed = value.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: trimmed) else { return false }
        return !data.isEmpty
    }

    static func isPEMPrivateKey(_ value: String) -> Bool {
        let text = value.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.hasPrefix("-----BEGIN ") && text.contains("PRIVATE KEY-----") && text.hasSuffix("-----")
    }

    static func isCompactJWS(_ value: String) -> Bool {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else { return false }
        return parts.allSatisfy { part in
            part.utf8.allSatisfy { byte in
                (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            }
        }
    }
}

extension SecretType {
    /// "a basicAuth", "an apiKey": the type as messages name it.
    var withArticle: String {
        ("aeiou".contains(rawValue.first ?? "x") ? "an " : "a ") + rawValue
    }
}
