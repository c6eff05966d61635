import Crypto
import Foundation
import TresorCore

/// Evaluates a ComplianceProfile's rules against one secret. Pure: the caller passes the
/// content, the history facts and the clock reading. Messages name fields and facts
/// (lengths, algorithms, dates), never a value.
public enum ComplianceEvaluator {
    /// - Parameter previous: the last recorded evaluation; its content-rule results are
    ///   kept when `subject.content` is nil and the fingerprint and rules are unchanged.
    ///   - rulesDigest: `rulesDigest(profile)`, when the caller has it (it costs a reflection walk).
    public static func evaluate(
        _ profile: ComplianceProfile, subject: ComplianceSubject, now: Date, previous: ComplianceStatus? = nil,
        rulesDigest known: String? = nil
    ) -> ComplianceStatus {
        let digest = known ?? rulesDigest(profile)
        let reusable = canReuse(previous, profile: profile, fingerprint: subject.fingerprint, rulesDigest: digest) ? previous : nil
        let results = profile.spec.rules.map { rule -> RuleResult in
            if subject.content == nil, rule.readsContent, applies(rule, to: subject.type) == nil {
                return kept(rule, from: reusable, now: now)
            }
            return evaluate(rule, subject: subject, now: now)
        }
        return ComplianceStatus(
            profile: profile.name, enforcement: profile.spec.enforcement.rawValue,
            overall: ComplianceOverall.combining(results.map(\.result)), rules: results, fingerprint: subject.fingerprint,
            rulesDigest: digest, checkedAt: now)
    }

    /// True when `previous` can stand in for the content rules of a pass that did not
    /// read the content.
    public static func canReuse(
        _ previous: ComplianceStatus?, profile: ComplianceProfile, fingerprint: String?, rulesDigest known: String? = nil
    ) -> Bool {
        guard let previous, let fingerprint, previous.profile == profile.name, previous.fingerprint == fingerprint else { return false }
        return previous.rulesDigest == known ?? rulesDigest(profile)
    }

    /// A digest of the rules as declared: a changed rule is evaluated anew.
    public static func rulesDigest(_ profile: ComplianceProfile) -> String {
        let text = String(describing: profile.spec.rules)
        return Hex.encode(SHA256.hash(data: Array(text.utf8)).prefix(8))
    }

    public static func evaluate(_ rule: ComplianceRule, subject: ComplianceSubject, now: Date) -> RuleResult {
        if let reason = applies(rule, to: subject.type) {
            return RuleResult(name: rule.name, kind: rule.kind, result: .na, message: reason)
        }
        var result: RuleResult
        switch rule.check {
        case .minLength(let min): result = minLength(min, subject: subject, explicit: rule.appliesTo != nil)
        case .characterClasses(let required): result = characterClasses(required, subject: subject, explicit: rule.appliesTo != nil)
        case .allowedTypes(let types): result = allowedTypes(types, subject: subject)
        case .privateKey(let algorithms, let minBits, let curves):
            result = privateKey(algorithms: algorithms, minRSABits: minBits, curves: curves, subject: subject)
        case .jwt(let requireExp, let algorithms): result = jwt(requireExp: requireExp, algorithms: algorithms, subject: subject, now: now)
        case .keyStore(let types): result = keyStore(types, subject: subject)
        case .secretKeyBits(let min): result = secretKeyBits(min, subject: subject)
        case .maxAge(let duration): result = maxAge(duration, subject: subject, now: now)
        case .requiredLabels(let labels): result = requiredLabels(labels, subject: subject)
        case .uniqueContent: result = uniqueContent(subject: subject)
        case .noInlineValues: result = noInlineValues(subject: subject)
        }
        result.name = rule.name
        result.kind = rule.kind
        return result
    }

    /// Nil when the rule applies to the type; otherwise why not.
    static func applies(_ rule: ComplianceRule, to type: SecretType) -> String? {
        if let types = rule.appliesTo, !types.contains(type) {
            return "applies to \(types.map(\.rawValue).joined(separator: ", ")); this secret is \(type.rawValue)"
        }
        let understood: [SecretType]
        switch rule.check {
        case .minLength, .characterClasses:
            understood = rule.appliesTo == nil ? [.basicAuth, .apiKey, .keyStore] : [.basicAuth, .apiKey, .keyStore, .generic, .keyValue]
        case .privateKey: understood = [.privateKey]
        case .jwt: understood = [.jwtToken]
        case .keyStore: understood = [.keyStore]
        case .secretKeyBits: understood = [.secretKey]
        case .allowedTypes, .maxAge, .requiredLabels, .uniqueContent, .noInlineValues: return nil
        }
        return understood.contains(type) ? nil : "\(rule.kind) does not apply to \(type.rawValue) secrets"
    }

    private static func kept(_ rule: ComplianceRule, from previous: ComplianceStatus?, now: Date) -> RuleResult {
        guard var result = previous?.rules.first(where: { $0.name == rule.name && $0.kind == rule.kind }) else {
            return RuleResult(
                name: rule.name, kind: rule.kind, result: .notAvailable,
                message: "the content was not read in this pass; it is evaluated when it is next read")
        }
        if result.result == .ok, let until = result.validUntil, until <= now {
            result.result = .nok
            result.message = "expired at \(StatusCoding.formatDate(until)); issue a new token"
        }
        return result
    }

    /// One field's verdict, combined into the rule's result.
    struct FieldVerdict {
        var field: String
        var outcome: RuleOutcome
        var message: String
        var validUntil: Date? = nil
    }

    static func combine(_ verdicts: [FieldVerdict], okMessage: String) -> RuleResult {
        let bad = verdicts.filter { $0.outcome == .nok }
        let unavailable = verdicts.filter { $0.outcome == .notAvailable }
        let relevant = verdicts.filter { $0.outcome != .na }
        let (outcome, chosen): (RuleOutcome, [FieldVerdict]) =
            if !bad.isEmpty {
                (.nok, bad)
            } else if !unavailable.isEmpty {
                (.notAvailable, unavailable)
            } else if relevant.isEmpty {
                (.na, verdicts)
            } else {
                (.ok, relevant)
            }
        let message = outcome == .ok && chosen.count > 1 ? okMessage : chosen.map(\.message).joined(separator: "; ")
        return RuleResult(
            name: "", kind: "", result: outcome, message: message.isEmpty ? okMessage : message,
            field: chosen.count == 1 ? chosen[0].field : nil, validUntil: chosen.compactMap(\.validUntil).min())
    }

    /// `spec.content.<field>` (or `spec.content.data.<key>` for keyValue).
    static func fieldPath(_ field: String, type: SecretType) -> String {
        type == .keyValue ? "spec.content.data.\(field)" : "spec.content.\(field)"
    }

    static func value(_ subject: ComplianceSubject, _ field: String) -> FieldValue {
        subject.content?[field] ?? .unknown
    }

}
