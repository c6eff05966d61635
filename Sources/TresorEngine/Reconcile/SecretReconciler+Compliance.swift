import Foundation
import TresorCore

/// The compliance gate of a secret's pass: evaluate the source profile's rules on the
/// desired content before it is written; under `deny`, hold a write of non-compliant
/// content (the vault keeps what it has), under `audit` record and go on.
///
/// When the fast path skips the content read (nothing declared changed and the source
/// holds what tresor last wrote), the content rules keep the results recorded for the
/// same fingerprint and the same rules; a JWT whose `exp` has passed since turns `nok`
/// through the recorded `validUntil`. Rules that need no content (age, labels, types,
/// reuse, inline values) are evaluated on every pass. When nothing reusable is recorded
/// (first pass with a profile, changed rules) the content is read once.
extension SecretReconciler {
    var complianceProfile: ComplianceProfile? { context.compliance.profiles[spec.vaultProfile] }

    /// Evaluates the desired content before the source step writes it.
    /// - Parameters:
    ///   - generators: every generated field; fields not yet generated (a plan) are judged
    ///     by their parameters.
    ///   - writes: whether the pass would write this content anywhere.
    mutating func checkCompliance(
        desired: [String: SecretValue], generators: [String: Generator], fingerprint: String?, writes: Bool
    ) throws {
        guard let profile = complianceProfile else { return clearCompliance() }
        var content = desired.mapValues { FieldValue.value($0) }
        for (field, generator) in generators where content[field] == nil { content[field] = .generated(generator) }
        let latest = status.latestVersion
        // New content is recorded as a version dated `now`: judge it as of then, so the
        // next pass (which reads that version's date) words every result the same.
        let since = fingerprint != nil && latest?.fingerprint == fingerprint ? latest?.createdAt ?? now : now
        let result = ComplianceEvaluator.evaluate(
            profile, subject: subject(content: content, fingerprint: fingerprint, since: since), now: now,
            rulesDigest: context.compliance.rulesDigests[profile.name])
        recordCompliance(result)
        guard profile.spec.enforcement == .deny, result.overall == .nok, writes else { return }
        let kept = latest.map { "the vault keeps version \($0.number)" } ?? "nothing was written"
        try hold(profile, result, kept)
    }

    /// Throws the hold: the source's plan line turns `blocked`, the pass stops before any write.
    private mutating func hold(_ profile: ComplianceProfile, _ result: ComplianceStatus, _ consequence: String) throws {
        let message = "compliance profile '\(profile.name)' (enforcement deny) holds this write: \(Self.failures(result)); \(consequence)"
        if let index = plan.targets.indices.last { plan.targets[index].action = .blocked(message) }
        throw ReconcileFailure(reason: .nonCompliant, message: message)
    }

    /// Evaluates on the fast path, where the content was not read. The source is not
    /// written here, but under `deny` non-compliant content is not copied to a sync
    /// target that does not hold it yet either.
    mutating func checkUnchangedCompliance(adapter: any VaultAdapter, fingerprint: String) async throws {
        guard let profile = complianceProfile else { return clearCompliance() }
        var content: [String: FieldValue]?
        if profile.spec.rules.contains(where: \.readsContent),
            !ComplianceEvaluator.canReuse(
                previous?.compliance, profile: profile, fingerprint: fingerprint, rulesDigest: context.compliance.rulesDigests[profile.name])
        {
            do {
                content = try await adapter.read(at: path, version: nil)?.content.mapValues { FieldValue.value($0) } ?? [:]
            } catch {
                var failed = ComplianceEvaluator.evaluate(profile, subject: subject(content: nil, fingerprint: nil, since: nil), now: now)
                failed.overall = .failed
                failed.message = "cannot read '\(path)' in \(spec.vaultProfile) to evaluate the rules: \(error)"
                return recordCompliance(failed)
            }
        }
        let since = status.latestVersion?.fingerprint == fingerprint ? status.latestVersion?.createdAt : nil
        let result = ComplianceEvaluator.evaluate(
            profile, subject: subject(content: content, fingerprint: fingerprint, since: since), now: now, previous: previous?.compliance,
            rulesDigest: context.compliance.rulesDigests[profile.name])
        recordCompliance(result)
        let uncopied = spec.syncVaultProfiles.filter { previous?.targets[$0]?.fingerprint != fingerprint }
        guard profile.spec.enforcement == .deny, result.overall == .nok, !uncopied.isEmpty else { return }
        let targets = uncopied.joined(separator: ", ")
        try hold(profile, result, uncopied.count == 1 ? "\(targets) keeps what it holds" : "\(targets) keep what they hold")
    }

    /// A held write is neither a failure nor a change: the secret keeps its state, Ready
    /// and Compliant say why, and `apply` exits 3.
    mutating func holdForCompliance(_ failure: ReconcileFailure) {
        plan.error = nil
        status.setCondition(.ready, .false, .nonCompliant, failure.message, now: now)
    }

    /// A pass that stopped before the content was known: record `notChecked` if nothing
    /// was ever evaluated, and keep an earlier evaluation otherwise.
    mutating func noteComplianceUnchecked(_ failure: ReconcileFailure) {
        guard let profile = complianceProfile, status.compliance == nil || status.compliance?.profile != profile.name else { return }
        status.compliance = ComplianceStatus(
            profile: profile.name, enforcement: profile.spec.enforcement.rawValue, overall: .notChecked, rules: [], fingerprint: nil,
            rulesDigest: context.compliance.rulesDigests[profile.name] ?? ComplianceEvaluator.rulesDigest(profile), checkedAt: now,
            message: "not evaluated: \(failure.message)")
        status.setCondition(.compliant, .unknown, .notChecked, "not evaluated yet: the pass stopped before the content was known", now: now)
    }

    private func subject(content: [String: FieldValue]?, fingerprint: String?, since: Date?) -> ComplianceSubject {
        ComplianceSubject(
            name: secret.name, type: spec.type, labels: secret.metadata.labels, declared: spec.content, content: content,
            fingerprint: fingerprint, contentSince: since,
            secretsByFingerprint: context.compliance.secretsByFingerprint)
    }

    private mutating func recordCompliance(_ result: ComplianceStatus) {
        status.compliance = result
        switch result.overall {
        case .ok: status.setCondition(.compliant, .true, .compliant, "all \(result.rules.count) rules of '\(result.profile)' pass", now: now)
        case .na:
            status.setCondition(
                .compliant, .true, .compliant, "no rule of '\(result.profile)' fails; some do not apply to \(spec.type.rawValue)", now: now)
        case .nok:
            status.setCondition(.compliant, .false, .nonCompliant, "\(result.enforcement): \(Self.failures(result))", now: now)
        case .failed, .notChecked:
            status.setCondition(.compliant, .unknown, .complianceFailed, result.message ?? "not evaluated", now: now)
        }
    }

    private mutating func clearCompliance() {
        guard status.compliance != nil || status.condition(.compliant) != nil else { return }
        status.compliance = nil
        status.conditions.removeAll { $0.type == .compliant }
    }

    static func failures(_ result: ComplianceStatus) -> String {
        result.rules.filter { $0.result == .nok || $0.result == .notAvailable }
            .map { "rule '\($0.name)' (\($0.kind)) \($0.result.rawValue): \($0.message)" }.joined(separator: "; ")
    }
}
