import FuzzSupport

@testable import TresorCore

/// The inline values of secret fields in manifest bytes, found from the YAML alone (a
/// Secret with errors never reaches the desired state, and its diagnostics are the ones
/// most likely to quote a value).
enum InlineSecrets {
    /// Values long enough not to occur in a message by chance, written once in the input:
    /// a diagnostic that contains one can only have copied it from the value.
    static func values(in bytes: [UInt8]) -> [String] {
        var found: [String] = []
        for document in YAMLParser.parse(bytes).documents {
            guard case .mapping(let pairs, _)? = document.root, scalar(pairs, "kind") == "Secret",
                case .mapping(let spec, _)? = value(pairs, "spec"),
                let type = scalar(spec, "type").flatMap(SecretType.init(rawValue:)),
                case .mapping(let content, _)? = value(spec, "content")
            else { continue }
            for field in type.contentFields where field.isSecret {
                switch value(content, field.name) {
                case .scalar(let text, _)?: found.append(text.text)
                case .mapping(let data, _)? where type == .keyValue:
                    for pair in data { if case .scalar(let text, _) = pair.value { found.append(text.text) } }
                default: break
                }
            }
        }
        return Set(found).filter { $0.utf8.count >= 8 && occursAtMostOnce($0, in: bytes) }.sorted()
    }

    private static func value(_ pairs: [YAMLPair], _ key: String) -> YAMLNode? {
        pairs.first { if case .scalar(let name, _) = $0.key { name.text == key } else { false } }?.value
    }

    private static func scalar(_ pairs: [YAMLPair], _ key: String) -> String? {
        if case .scalar(let text, _)? = value(pairs, key) { text.text } else { nil }
    }
}
