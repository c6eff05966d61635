import Foundation
import TresorCore

/// `observedGeneration`: a keyed digest of everything in the spec, so a changed
/// literal changes it without the digest revealing the literal.
enum Generation {
    static func digest(of secret: Secret, fingerprinter: Fingerprinter) -> String {
        let spec = secret.spec
        var fields: [String: SecretValue] = [
            "type": SecretValue(spec.type.rawValue),
            "vaultProfile": SecretValue(spec.vaultProfile),
            "syncVaultProfiles": SecretValue(spec.syncVaultProfiles.joined(separator: ",")),
            "path": SecretValue(spec.path ?? ""),
            "allowInlineValues": SecretValue(String(spec.allowInlineValues)),
            "adopt": SecretValue(String(spec.adopt)),
            "deletionPolicy": SecretValue(spec.deletionPolicy.rawValue),
            "refreshInterval": SecretValue(String(spec.refreshInterval.seconds)),
            "rotation": SecretValue(spec.rotation.map { String($0.every.seconds) } ?? ""),
            "expiresAt": SecretValue(spec.expiresAt?.text ?? ""),
            "enabled": SecretValue(String(spec.enabled)),
            "labels": SecretValue(secret.metadata.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")),
        ]
        for (field, source) in spec.content?.fields ?? [:] {
            let described: String
            switch source {
            case .literal(let value): described = "literal:" + value.reveal()
            case .fromEnv(let name): described = "env:" + name
            case .fromFile(let path): described = "file:" + path
            case .generate(let generator): described = "generate:" + GeneratorDigest.digest(generator)
            case .sealed(let text): described = "sealed:" + text
            }
            fields["content." + field] = SecretValue(described)
        }
        let full = fingerprinter.fingerprint(type: spec.type, content: fields)
        return String(full.suffix(16))
    }
}
