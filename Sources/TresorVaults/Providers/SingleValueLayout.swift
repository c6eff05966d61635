import Foundation
import TresorCore

/// How content is laid out in a single-value store (AWS, Azure, GCP; DESIGN §2): the types with one
/// `content` field store that string as is; `basicAuth`, `keyStore` and `keyValue` store
/// a JSON object of their fields (`keyValue` its map). A `generic` secret's `encoding`
/// is not part of the value: it travels with the mark (a tag, label or annotation).
enum SingleValueLayout {
    /// The `SecretString` for `content` of `type`.
    private static func encode(_ type: SecretType, _ content: [String: SecretValue], path: String, server: String) throws -> String {
        if isObject(type) {
            let plain = content.mapValues { $0.reveal() }
            return String(decoding: try JSONEncoder.canonical.encode(plain), as: UTF8.self)
        }
        let extra = Set(content.keys).subtracting(["content", "encoding"])
        guard let value = content["content"], extra.isEmpty, type == .generic || content["encoding"] == nil else {
            throw VaultError(
                .invalidRequest,
                "\(server): \(path): a \(type.rawValue) secret holds exactly one field, 'content' (found \(content.keys.sorted().joined(separator: ", ")))")
        }
        return value.reveal()
    }

    /// The stored value for `content` of `type` (``encode``), and a `generic` secret's
    /// `encoding`, which goes with the mark.
    static func stored(_ type: SecretType, _ content: [String: SecretValue], path: String, server: String) throws
        -> (value: String, encoding: String?)
    {
        (try encode(type, content, path: path, server: server), type == .generic ? content["encoding"]?.reveal() : nil)
    }

    /// The content of a stored value. `type` is the marked type, or nil for a secret
    /// without a mark: then a JSON object of scalar fields is taken for a multi-field
    /// secret, anything else for one `content` field.
    static func decode(
        string: String?, binary: String?, type: SecretType?, encoding: String?, path: String, server: String
    ) throws -> [String: SecretValue] {
        if let binary, string == nil {
            // SecretBinary (written by another tool): its bytes in base64, the form tresor's
            // binary fields take.
            var content = ["content": SecretValue(binary)]
            if type == nil || type == .generic { content["encoding"] = SecretValue("base64") }
            return content
        }
        let text = string ?? ""
        if let type, isObject(type) {
            guard let object = fields(of: text) else {
                throw VaultError(
                    .corrupted,
                    "\(server): \(path) is marked as a \(type.rawValue) secret but its value is not a JSON object of its fields; let tresor rewrite it or fix the value")
            }
            return object
        }
        if type == nil, let object = fields(of: text) { return object }
        var content = ["content": SecretValue(text)]
        if type == nil || type == .generic, let encoding { content["encoding"] = SecretValue(encoding) }
        return content
    }

    static func isObject(_ type: SecretType) -> Bool {
        type == .basicAuth || type == .keyStore || type == .keyValue
    }

    /// A JSON object whose values are all strings, numbers or booleans, as text; nil otherwise.
    private static func fields(of text: String) -> [String: SecretValue]? {
        guard text.hasPrefix("{"),
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        else { return nil }
        var result: [String: SecretValue] = [:]
        for (key, value) in object {
            switch value {
            case let string as String: result[key] = SecretValue(string)
            case let number as NSNumber: result[key] = SecretValue(number.stringValue)
            default: return nil
            }
        }
        return result
    }
}
