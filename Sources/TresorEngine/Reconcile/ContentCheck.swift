import Foundation
import TresorCore

/// Every value is checked against its type before anything is written, whatever its
/// source (inline, env, file, sealed, or the source vault of an external secret): a JWS
/// for a `jwtToken`, PEM for a `privateKey`, base64 where the type holds bytes, and a
/// PKCS#12 or JKS file that its password opens for a `keyStore`. Pure.
enum ContentCheck {
    /// The first problem found, naming the field and where its value came from; nil when
    /// every value has its type's shape. Never contains a value.
    static func problem(_ content: [String: SecretValue], secret: Secret) -> String? {
        let type = secret.spec.type
        let base64 = type == .generic && content["encoding"]?.reveal() == ContentEncoding.base64.rawValue
        for field in content.keys.sorted() {
            guard let value = content[field] else { continue }
            let subject = "the value " + origin(of: field, in: secret)
            if let problem = LiteralFormat.problem(value.reveal(), type: type, field: field, base64: base64, subject: subject) {
                return "Secret '\(secret.name)' field '\(field)': \(problem); nothing was written"
            }
        }
        if type == .keyStore, let problem = keyStoreProblem(content, secret: secret) {
            return "Secret '\(secret.name)': \(problem); nothing was written"
        }
        return nil
    }

    /// Where a field's value came from, for messages: `from env NAME`, `from file PATH`, …
    static func origin(of field: String, in secret: Secret) -> String {
        switch secret.spec.content?.fields[field] {
        case .literal: "inline"
        case .fromEnv(let name): "from env \(name)"
        case .fromFile(let path): "from file \(path)"
        case .sealed: "from its sealed value"
        case .generate: "generated"
        case nil: secret.spec.isExternal ? "read from \(secret.spec.vaultProfile)" : "given"
        }
    }

    private static func keyStoreProblem(_ content: [String: SecretValue], secret: Secret) -> String? {
        guard let encoded = content["content"]?.reveal(),
            let bytes = Data(base64Encoded: encoded.filter { !$0.isWhitespace }).map(Array.init)
        else { return nil }
        let declared = content["keyStoreType"]?.reveal()
        guard let format = KeyStoreInspector.format(of: bytes) else {
            return "field 'content' (\(origin(of: "content", in: secret))) is not a PKCS12 or JKS keystore"
        }
        if let declared, declared != format.rawValue, !(declared == "JKS" && format == .jceks) {
            return "field 'content' (\(origin(of: "content", in: secret))) is a \(format.rawValue) keystore, "
                + "but keyStoreType says \(declared)"
        }
        guard let password = content["password"]?.reveal() else { return nil }
        switch try? KeyStoreInspector.checkPassword(password, bytes: bytes, format: format) {
        case .wrongPassword:
            return "field 'password' (\(origin(of: "password", in: secret))) does not open the keystore in 'content'"
        case nil:
            return "field 'content' (\(origin(of: "content", in: secret))) is a damaged \(format.rawValue) keystore"
        case .opens, .cannotTell:
            return nil
        }
    }
}
