import Foundation
import TresorCore

/// `minLength` and `characterClasses`: the password-like fields of a type.
extension ComplianceEvaluator {
    /// basicAuth and keyStore passwords, apiKey content; with an explicit `appliesTo`,
    /// also generic content and every keyValue entry.
    static func passwordFields(_ subject: ComplianceSubject, explicit: Bool) -> [String] {
        switch subject.type {
        case .basicAuth, .keyStore: ["password"]
        case .apiKey: ["content"]
        case .generic: explicit ? ["content"] : []
        case .keyValue:
            explicit ? (subject.content.map { Array($0.keys) } ?? subject.declared.map { Array($0.fields.keys) } ?? []).sorted() : []
        case .jwtToken, .privateKey, .secretKey: []
        }
    }

    static func minLength(_ min: Int, subject: ComplianceSubject, explicit: Bool) -> RuleResult {
        let verdicts = passwordFields(subject, explicit: explicit).map { field -> FieldVerdict in
            let path = fieldPath(field, type: subject.type)
            let length: Int
            switch value(subject, field) {
            case .value(let secret): length = secret.reveal().count
            case .generated(.password(let generator)): length = generator.length
            case .generated: return FieldVerdict(field: path, outcome: .na, message: "\(path) is not a password")
            case .unknown: return FieldVerdict(field: path, outcome: .notAvailable, message: "\(path) could not be read")
            }
            if length >= min {
                return FieldVerdict(field: path, outcome: .ok, message: "\(path) has \(length) characters (at least \(min))")
            }
            let isGenerated: Bool = if case .generated = value(subject, field) { true } else { false }
            let fix = isGenerated ? "raise generate.length to \(min) or more" : "use a value of \(min) or more characters"
            return FieldVerdict(
                field: path, outcome: .nok, message: "\(path) has \(length) characters; the rule requires at least \(min): \(fix)")
        }
        return combine(verdicts, okMessage: "every password field has at least \(min) characters")
    }

    static func characterClasses(_ required: [CharacterClass], subject: ComplianceSubject, explicit: Bool) -> RuleResult {
        let verdicts = passwordFields(subject, explicit: explicit).map { field -> FieldVerdict in
            let path = fieldPath(field, type: subject.type)
            let present: Set<CharacterClass>
            let fix: String
            switch value(subject, field) {
            case .value(let secret):
                present = classes(in: secret.reveal())
                fix = "use a value that holds each of them"
            case .generated(.password(let generator)):
                // The generator guarantees one character of each class it draws from.
                present = Set(generator.characterClasses)
                fix = "add them to generate.characterClasses"
            case .generated: return FieldVerdict(field: path, outcome: .na, message: "\(path) is not a password")
            case .unknown: return FieldVerdict(field: path, outcome: .notAvailable, message: "\(path) could not be read")
            }
            let missing = required.filter { !present.contains($0) }
            if missing.isEmpty {
                return FieldVerdict(field: path, outcome: .ok, message: "\(path) holds \(required.map(\.rawValue).joined(separator: ", "))")
            }
            return FieldVerdict(
                field: path, outcome: .nok,
                message: "\(path) lacks \(missing.map(\.rawValue).joined(separator: ", ")) characters: \(fix)")
        }
        return combine(verdicts, okMessage: "every password field holds \(required.map(\.rawValue).joined(separator: ", "))")
    }

    /// Lower and upper are ASCII letters, digits ASCII digits; every other character
    /// (punctuation, spaces, non-ASCII) counts as a symbol.
    static func classes(in text: String) -> Set<CharacterClass> {
        var found = Set<CharacterClass>()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 97...122: found.insert(.lower)
            case 65...90: found.insert(.upper)
            case 48...57: found.insert(.digit)
            default: found.insert(.symbol)
            }
        }
        return found
    }
}
