import Foundation
import TresorCore

/// The gate stage, pure: compliance and approval over a secret's planned actions, for
/// every profile an action writes to or deletes from. It marks the actions it holds,
/// returns the approval requests to open, expire or supersede (as the changed approvals
/// file and its audit events) and writes nothing itself.
enum Gate {
    struct Input: Sendable {
        var planned: PlannedSecret
        var secret: Secret?
        var previous: SecretStatus?
        /// The secret's approval requests as read (under the lock when applying).
        var approvals: ApprovalFile?
        /// Vault profile → the approval profile it carries.
        var approvalProfiles: [String: ApprovalProfile]
        var compliance: ComplianceSetup
        var requester: String
        /// The spec generation the plan was made from.
        var generation: String
        var now: Date
        /// The id a new request gets (made by the caller: the gate draws no random numbers).
        var newRequestID: String
        /// Checks the decisions' MACs; nil when the key could not be read (then no
        /// recorded decision counts).
        var seal: ApprovalSeal?
    }

    struct Decision: Sendable {
        var plan: SecretPlan
        /// The approvals file after the gate's changes; nil when unchanged.
        var approvals: ApprovalFile?
        var events: [AuditEvent] = []
        /// The approved request the held actions run under: marked performed once they did.
        var approved: ApprovalRequest?
        /// The request the change waits on or was refused by.
        var request: ApprovalRequest?
        /// True when `request` is new (a plan shows it as "would wait").
        var isNewRequest = false
        /// Compliance results by vault profile.
        var compliance: [String: ComplianceStatus] = [:]
        /// Set when compliance enforcement held a write.
        var complianceHold: String?
        /// Why the request that covered this change was refused as tampered with.
        var tampered: String?
    }

    static func decide(_ input: Input) -> Decision {
        var decision = Decision(plan: input.planned.plan)
        if input.planned.failure == nil, let secret = input.secret {
            checkCompliance(secret, input, into: &decision)
        }
        if input.planned.failure == nil {
            checkApproval(input, into: &decision)
        }
        return decision
    }

    // MARK: Compliance

    /// Evaluates each profile's ComplianceProfile on the content it holds or would get;
    /// under `deny`, a non-compliant write into that profile is held (and, for the source,
    /// its copies too: they would get the same content).
    private static func checkCompliance(_ secret: Secret, _ input: Input, into decision: inout Decision) {
        let source = secret.spec.vaultProfile
        let content = input.planned.content
        let latest = input.previous?.latestVersion
        for profile in [source] + secret.spec.syncVaultProfiles {
            guard let rules = input.compliance.profiles[profile] else { continue }
            var values: [String: FieldValue]?
            if let content, content.complete {
                var known = content.values.mapValues { FieldValue.value($0) }
                for (field, generator) in content.generate { known[field] = .generated(generator) }
                values = known
            }
            let fingerprint = content?.fingerprint
            let since: Date? =
                values == nil
                ? (fingerprint != nil && latest?.fingerprint == fingerprint ? latest?.createdAt : nil)
                : (fingerprint != nil && latest?.fingerprint == fingerprint ? latest?.createdAt ?? input.now : input.now)
            let recorded = profile == source ? input.previous?.compliance : input.previous?.targets[profile]?.compliance
            let subject = ComplianceSubject(
                name: secret.name, type: secret.spec.type, labels: secret.metadata.labels, declared: secret.spec.content,
                content: values, fingerprint: fingerprint, contentSince: since,
                secretsByFingerprint: input.compliance.secretsByFingerprint)
            let result = ComplianceEvaluator.evaluate(
                rules, subject: subject, now: input.now, previous: recorded, rulesDigest: input.compliance.rulesDigests[rules.name])
            decision.compliance[profile] = result
            guard rules.spec.enforcement == .deny, result.overall == .nok else { continue }
            var held = decision.plan.targets.indices.filter { index in
                let line = decision.plan.targets[index]
                return line.action.writes && (line.profile == profile || (profile == source && line.role == .sync))
            }
            if held.contains(where: { decision.plan.targets[$0].role == .source }) {
                // The old source of a move stays managed while the new one is kept out.
                held += decision.plan.targets.indices.filter { !held.contains($0) && decision.plan.targets[$0].runs }
            }
            guard !held.isEmpty else { continue }
            let kept =
                decision.plan.targets[held[0]].role == .source
                ? latest.map { "the vault keeps version \($0.number)" } ?? "nothing was written"
                : "\(held.map { decision.plan.targets[$0].profile }.joined(separator: ", ")) keep\(held.count == 1 ? "s" : "") what "
                    + "\(held.count == 1 ? "it holds" : "they hold")"
            let message = "compliance profile '\(rules.name)' (enforcement deny) holds this write into \(profile): "
                + "\(failures(result)); \(kept)"
            for index in held where decision.plan.targets[index].hold == nil {
                decision.plan.targets[index].hold = .compliance(message)
            }
            decision.complianceHold = decision.complianceHold ?? message
        }
        decision.plan.compliance = worst(decision.compliance.values)
    }

    static func failures(_ result: ComplianceStatus) -> String {
        result.rules.filter { $0.result == .nok || $0.result == .notAvailable }
            .map { "rule '\($0.name)' (\($0.kind)) \($0.result.rawValue): \($0.message)" }.joined(separator: "; ")
    }

    /// The overall result of several profiles: the worst of them.
    static func worst(_ results: some Collection<ComplianceStatus>) -> ComplianceOverall? {
        let order: [ComplianceOverall] = [.failed, .nok, .notChecked, .na, .ok]
        return order.first { overall in results.contains { $0.overall == overall } }
    }
}
