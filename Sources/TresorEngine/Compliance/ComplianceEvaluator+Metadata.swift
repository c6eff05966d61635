import Foundation
import TresorCore

/// Rules on what surrounds the content: type, labels, age, reuse, inline values.
extension ComplianceEvaluator {
    static func allowedTypes(_ types: [SecretType], subject: ComplianceSubject) -> RuleResult {
        if types.contains(subject.type) { return verdict(.ok, "type \(subject.type.rawValue) is allowed", field: "spec.type") }
        return verdict(
            .nok, "type \(subject.type.rawValue) is not allowed here; allowed: \(types.map(\.rawValue).joined(separator: ", "))",
            field: "spec.type")
    }

    static func maxAge(_ duration: Period, subject: ComplianceSubject, now: Date) -> RuleResult {
        if subject.offline { return verdict(.na, "checked on reconcile, from the version history") }
        guard let since = subject.contentSince else { return verdict(.ok, "the content is being written now") }
        // Messages name dates, not an age, so they stay the same from pass to pass.
        let due = since.addingTimeInterval(TimeInterval(duration.seconds))
        if now > due {
            return verdict(
                .nok,
                "the content dates from \(StatusCoding.formatDate(since)), older than the rule's \(duration.text) "
                    + "(due \(StatusCoding.formatDate(due))): rotate it (spec.rotation for generated values, or supply a new value)")
        }
        var result = verdict(.ok, "the content dates from \(StatusCoding.formatDate(since)); due by \(StatusCoding.formatDate(due))")
        result.validUntil = due
        return result
    }

    static func requiredLabels(_ labels: [String], subject: ComplianceSubject) -> RuleResult {
        let missing = labels.filter { subject.labels[$0] == nil }
        if missing.isEmpty { return verdict(.ok, "carries \(labels.joined(separator: ", "))", field: "metadata.labels") }
        return verdict(.nok, "missing labels \(missing.joined(separator: ", ")); add them under metadata.labels", field: "metadata.labels")
    }

    static func uniqueContent(subject: ComplianceSubject) -> RuleResult {
        guard !subject.offline, let index = subject.secretsByFingerprint else {
            return verdict(.na, "checked on reconcile, against the other secrets' fingerprints")
        }
        guard let fingerprint = subject.fingerprint else { return verdict(.ok, "the content is being generated now") }
        // The index lists names sorted; many secrets may share one value, so no per-secret sort.
        let holders = index[fingerprint] ?? []
        let count = holders.count - (holders.contains(subject.name) ? 1 : 0)
        if count == 0 { return verdict(.ok, "no other secret holds the same content") }
        let shown = holders.lazy.filter { $0 != subject.name }.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
            + (count > 5 ? " and \(count - 5) more" : "")
        return verdict(.nok, "Secret \(shown) holds the same content (same fingerprint); give each secret its own value")
    }

    static func noInlineValues(subject: ComplianceSubject) -> RuleResult {
        guard let declared = subject.declared else { return verdict(.ok, "external secret: its content lives in the vault") }
        let secretFields = Set(subject.type.contentFields.filter(\.isSecret).map(\.name))
        let inline = declared.fields.filter { field, source in
            guard case .literal = source else { return false }
            return subject.type == .keyValue || secretFields.contains(field)
        }.keys.sorted().map { fieldPath($0, type: subject.type) }
        if inline.isEmpty { return verdict(.ok, "no inline values") }
        return verdict(
            .nok, "\(inline.joined(separator: ", ")) \(inline.count == 1 ? "is an inline value" : "are inline values"); "
                + "use fromEnv, fromFile, sealed or generate", field: inline.count == 1 ? inline[0] : nil)
    }
}
