import Foundation
import TresorCore

/// `tresor validate`'s compliance check: every rule that can be judged from the
/// manifests alone (types, labels, inline values, generator parameters, literal JWTs,
/// keys and keystores), reported at the field it is about. A rule that needs the vault
/// or the history (`maxAge`, `uniqueContent`, values from the environment or files) is
/// left to the reconcile. A violation is an error whatever the enforcement: CI should
/// stop it before it is applied.
public enum OfflineCompliance {
    public static func diagnostics(_ state: DesiredState, now: Date) -> [Diagnostic] {
        let setup = ComplianceSetup.make(state, store: nil)
        var diagnostics: [Diagnostic] = []
        for secret in state.secrets.values.sorted(by: { $0.name < $1.name }) {
            guard let profile = setup.profiles[secret.spec.vaultProfile] else { continue }
            var content: [String: FieldValue] = [:]
            for (field, source) in secret.spec.content?.fields ?? [:] {
                switch source {
                case .literal(let value): content[field] = .value(value)
                case .generate(let generator): content[field] = .generated(generator)
                case .fromEnv, .fromFile, .sealed: content[field] = .unknown
                }
            }
            let subject = ComplianceSubject(
                name: secret.name, type: secret.spec.type, labels: secret.metadata.labels, declared: secret.spec.content,
                content: secret.spec.isExternal ? nil : content, offline: true)
            for rule in profile.spec.rules {
                if secret.spec.isExternal, rule.readsContent { continue }
                let result = ComplianceEvaluator.evaluate(rule, subject: subject, now: now)
                guard result.result == .nok else { continue }
                let location = result.field.map { secret.origin[$0] } ?? secret.origin.location
                diagnostics.append(
                    Diagnostic(
                        .error, at: location,
                        "Secret '\(secret.name)' breaks rule '\(rule.name)' (\(rule.kind)) of ComplianceProfile '\(profile.name)' "
                            + "(enforcement \(profile.spec.enforcement.rawValue)): \(result.message)"))
            }
        }
        return diagnostics
    }
}
