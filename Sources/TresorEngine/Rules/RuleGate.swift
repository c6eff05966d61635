import Foundation
import TresorCore

/// Runs before any secret's pass: decides which approval and compliance rules hold each
/// vault profile's secrets. Declared rules at least as strict as the recorded ones take
/// effect at once. Looser ones — a profile removed, fewer approvals, self-approval, more
/// approvers, a longer expiry, a rule dropped or weakened, `deny` lowered to `audit` —
/// wait for a `ruleChange` request under the approval profile in force before them;
/// until it is approved, the secrets keep the rules in force, so the commit that removes
/// a gate cannot pass through it. Without an approval profile in force, nobody could
/// approve, and the looser rules take effect at once (audited).
public struct RuleGate: Sendable {
    public enum State: String, Sendable {
        /// Waits for approval; the rules in force stay.
        case waiting
        /// Rejected or expired; the rules in force stay until the manifests change.
        case refused
        /// Approved: the declared rules take effect in this pass.
        case approved
        /// No approval profile was in force: the declared rules take effect.
        case ungated
    }

    /// A vault profile whose declared rules are looser than those in force.
    public struct Loosening: Sendable {
        public var vaultProfile: String
        public var reasons: [String]
        public var state: State
        public var request: String?
        public var message: String

        /// The rules in force stay: the looser ones wait for approval or were refused.
        public var isHeld: Bool { state == .waiting || state == .refused }
    }

    public struct Outcome: Sendable {
        /// `desired` with every held loosening replaced by the rules in force.
        public var effective: DesiredState
        public var loosenings: [Loosening]
    }

    let store: StateStore
    let requester: String

    /// - Parameters:
    ///   - write: false for `plan`: nothing is recorded and no request is opened.
    ///   - audit: where decisions and changes of the rules in force are recorded.
    public func resolve(_ desired: DesiredState, now: Date, write: Bool, audit: AuditLog?) throws -> Outcome {
        let declared = VaultRules.declared(in: desired)
        let nothingDeclared = declared.values.allSatisfy { $0.approval == nil && $0.compliance == nil }
        // A state directory that never had rules gets no approvals key for them.
        if nothingDeclared, try !store.rulesRecorded() {
            return Outcome(effective: desired, loosenings: [])
        }
        let seal = try store.approvalSeal()
        guard let recorded = try store.readRulesInForce(seal: seal) else {
            if write {
                try store.writeRulesInForce(declared, seal: seal)
                audit?.append(declared.keys.sorted().map { event($0, outcome: "recorded", "rules in force recorded", now: now) })
            }
            return Outcome(effective: desired, loosenings: [])
        }
        var inForce = recorded
        var loosenings: [Loosening] = []
        var events: [AuditEvent] = []
        let approvals = ApprovalStore(stateStore: store)
        for (name, new) in declared.sorted(by: { $0.key < $1.key }) {
            let old = recorded[name] ?? VaultRules()
            let looseApproval = RuleStrength.loosenings(from: old.approval, to: new.approval)
            let looseCompliance = RuleStrength.loosenings(from: old.compliance, to: new.compliance)
            let subject = ApprovalSubject.vaultProfile(name)
            guard !looseApproval.isEmpty || !looseCompliance.isEmpty else {
                if write { try settle(subject, in: approvals, now: now, events: &events) }
                if new != old { events.append(event(name, outcome: "recorded", "stricter or equal rules in force", now: now)) }
                inForce[name] = new
                continue
            }
            let reasons = looseApproval + looseCompliance
            guard let gate = old.approval else {
                inForce[name] = new
                let message = "looser rules take effect without approval (no approval profile was in force): "
                    + reasons.joined(separator: "; ")
                loosenings.append(Loosening(vaultProfile: name, reasons: reasons, state: .ungated, message: message))
                events.append(event(name, outcome: "recorded", message, now: now))
                continue
            }
            let held = VaultRules(
                approval: looseApproval.isEmpty ? new.approval : old.approval,
                compliance: looseCompliance.isEmpty ? new.compliance : old.compliance)
            let binding = ApprovalBinding(operation: .ruleChange, sourceProfile: name, targets: [], generation: new.digest, inputs: old.digest)
            let policy = ApprovalPolicy(ApprovalProfile(metadata: ObjectMeta(name: gate.profile), spec: gate.spec, origin: origin))
            func evaluate(_ file: inout ApprovalFile) -> Verdict {
                Self.evaluate(
                    &file, subject: subject, binding: binding, policy: policy, seal: seal, reasons: reasons, requester: requester,
                    now: now, write: write, events: &events)
            }
            let verdict: Verdict
            if write {
                verdict = try approvals.update(subject, evaluate)
            } else {
                var file = try approvals.read(subject)
                verdict = evaluate(&file)
            }
            let summary = reasons.joined(separator: "; ")
            switch verdict {
            case .approved(let request):
                inForce[name] = new
                let by = request.map { " (request \($0.id), approved by \($0.approvals.joined(separator: ", ")))" } ?? ""
                loosenings.append(
                    Loosening(
                        vaultProfile: name, reasons: reasons, state: .approved, request: request?.id,
                        message: "approved looser rules take effect\(by): \(summary)"))
            case .waiting(let request, let isNew):
                inForce[name] = held
                let unsaved = isNew && !write
                let asks = unsaved
                    ? "would wait for \(policy.requiredApprovals) approvals (approval profile '\(policy.profile)')"
                    : request.waitingMessage
                loosenings.append(
                    Loosening(
                        vaultProfile: name, reasons: reasons, state: .waiting, request: unsaved ? nil : request.id,
                        message: "looser rules (\(summary)): \(asks); until then the rules in force stay"))
            case .refused(let request):
                inForce[name] = held
                loosenings.append(
                    Loosening(
                        vaultProfile: name, reasons: reasons, state: .refused, request: request.id,
                        message: "looser rules (\(summary)): \(Gate.refusalMessage(request)); the rules in force stay"))
            }
        }
        if write, inForce != recorded { try store.writeRulesInForce(inForce, seal: seal) }
        if write { audit?.append(events) }
        return Outcome(effective: Self.effective(desired, inForce: inForce, declared: declared, origin: origin), loosenings: loosenings)
    }

    private var origin: Origin { Origin(location: SourceLocation(file: store.rulesLocation)) }

    enum Verdict {
        /// Approved now (the request, marked performed), or performed earlier (nil).
        case approved(ApprovalRequest?)
        case waiting(ApprovalRequest, isNew: Bool)
        case refused(ApprovalRequest)
    }

    /// Finds the request for exactly this loosening, else opens one (superseding an open
    /// request for another); an approved one is marked performed.
    private static func evaluate(
        _ file: inout ApprovalFile, subject: String, binding: ApprovalBinding, policy: ApprovalPolicy, seal: ApprovalSeal,
        reasons: [String], requester: String, now: Date, write: Bool, events: inout [AuditEvent]
    ) -> Verdict {
        if let latest = file.latest, latest.isExpired(at: now) {
            file.updateLatest { events.append(ApprovalRules.expire(&$0, now: now)) }
        }
        if let latest = file.latest, latest.binding == binding, latest.state != .superseded, latest.state != .expired,
            let problem = seal.problem(with: latest)
        {
            events.append(
                ApprovalRules.event(latest, actor: "tresor", operation: "approval-tamper", outcome: "refused", message: problem, now: now))
            file.updateLatest { events.append(ApprovalRules.supersede(&$0, reason: "failed its integrity check: \(problem)", now: now)) }
        }
        if let latest = file.latest, latest.binding == binding, !(latest.state.isOpen && latest.policies != [policy]) {
            switch latest.state {
            case .approved:
                file.updateLatest { events.append(ApprovalRules.markPerformed(&$0, now: now)) }
                return .approved(latest)
            case .executed: return .approved(nil)
            case .pending: return .waiting(latest, isNew: false)
            case .rejected, .expired: return .refused(latest)
            case .superseded: break
            }
        }
        var request = ApprovalRequest(
            id: ApprovalRequest.newID(secret: subject), secret: subject, binding: binding, requester: requester, policy: policy,
            state: .pending, createdAt: now, expiresAt: policy.expiresAfterSeconds.map { now.addingTimeInterval(TimeInterval($0)) },
            fromFingerprint: nil, decisions: [], closedAt: nil, closedReason: nil)
        request.ruleChanges = reasons
        if let latest = file.latest, latest.state.isOpen {
            file.updateLatest {
                events.append(ApprovalRules.supersede(&$0, reason: "the rules changed again; superseded by request \(request.id)", now: now))
            }
        }
        file.append(request)
        events.append(
            ApprovalRules.event(
                request, actor: requester, operation: "approval-request", outcome: "pending",
                message: "\(policy.requiredApprovals) approvals required from approval profile '\(policy.profile)'", now: now))
        return .waiting(request, isNew: true)
    }

    /// The manifests no longer loosen the rules: an open request asks for nothing.
    private func settle(_ subject: String, in approvals: ApprovalStore, now: Date, events: inout [AuditEvent]) throws {
        guard try approvals.exists(subject) else { return }
        try approvals.update(subject) { file in
            guard let latest = file.latest, latest.state.isOpen else { return }
            file.updateLatest {
                events.append(ApprovalRules.supersede(&$0, reason: "the manifests no longer loosen the rules", now: now))
            }
        }
    }

    /// `desired` with each vault profile pointing at the rules in force where they differ
    /// from its own: kept profiles are added under keys no manifest can declare
    /// (`<name> (in force)`), so they never replace a declared profile of the same name,
    /// and keep their own name, so a request made under them stays the same request.
    static func effective(
        _ desired: DesiredState, inForce: [String: VaultRules], declared: [String: VaultRules], origin: Origin
    ) -> DesiredState {
        var effective = desired
        for (name, rules) in inForce {
            guard let declaredRules = declared[name], rules != declaredRules, var vaultProfile = effective.vaultProfiles[name] else { continue }
            if rules.approval != declaredRules.approval {
                vaultProfile.spec.approvalProfile = rules.approval.map { kept in
                    let profile = ApprovalProfile(metadata: ObjectMeta(name: kept.profile), spec: kept.spec, origin: origin)
                    return keep(kept.profile, profile, in: &effective.approvalProfiles)
                }
            }
            if rules.compliance != declaredRules.compliance {
                vaultProfile.spec.complianceProfile = rules.compliance.map { kept in
                    let profile = ComplianceProfile(metadata: ObjectMeta(name: kept.profile), spec: kept.spec, origin: origin)
                    return keep(kept.profile, profile, in: &effective.complianceProfiles)
                }
            }
            effective.vaultProfiles[name] = vaultProfile
        }
        return effective
    }

    /// Adds the kept profile `name` to `profiles` under `<name> (in force)`; that key.
    private static func keep<Profile>(_ name: String, _ profile: Profile, in profiles: inout [String: Profile]) -> String {
        let key = name + " (in force)"
        profiles[key] = profile
        return key
    }

    private func event(_ vaultProfile: String, outcome: String, _ message: String, now: Date) -> AuditEvent {
        AuditEvent(
            time: now, actor: requester, secret: ApprovalSubject.vaultProfile(vaultProfile), vaultProfile: vaultProfile,
            operation: "rules", outcome: outcome, message: message)
    }
}
