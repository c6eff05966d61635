import Foundation
import TresorCore

/// `observedGeneration`: a keyed digest of everything in the spec, so a changed
/// literal changes it without the digest revealing the literal.
enum Generation {
    /// Computed for every secret of every pass, so the fields go straight to the
    /// fingerprinter as text: the same encoding as a content of these fields.
    static func digest(of secret: Secret, fingerprinter: Fingerprinter) -> String {
        let spec = secret.spec
        var fields: [(name: String, value: String)] = [
            ("type", spec.type.rawValue),
            ("vaultProfile", spec.vaultProfile),
            ("syncVaultProfiles", spec.syncVaultProfiles.joined(separator: ",")),
            ("path", spec.path ?? ""),
            ("allowInlineValues", String(spec.allowInlineValues)),
            ("adopt", String(spec.adopt)),
            ("deletionPolicy", spec.deletionPolicy.rawValue),
            ("refreshInterval", String(spec.refreshInterval.seconds)),
            ("rotation", spec.rotation.map { String($0.every.seconds) } ?? ""),
            ("expiresAt", spec.expiresAt?.text ?? ""),
            ("enabled", String(spec.enabled)),
            ("labels", secret.metadata.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")),
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
            fields.append(("content." + field, described))
        }
        let full = fingerprinter.fingerprint(type: spec.type, fields: fields)
        return String(full.suffix(16))
    }
}
