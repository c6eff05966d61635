import Foundation
import TresorCore

/// Renders a run's plans: a human text form and JSON. Field names and fingerprints
/// only, never values.
public struct PlanReport: Sendable {
    public var report: Engine.Report
    /// Show targets with nothing to do as well.
    public var verbose: Bool

    public init(_ report: Engine.Report, verbose: Bool = false) {
        self.report = report
        self.verbose = verbose
    }

    public struct Counts: Sendable, Equatable {
        public var create = 0, update = 0, adopt = 0, move = 0, delete = 0, release = 0, blocked = 0, unchanged = 0, failed = 0
        /// Changes that wait for approval (or were refused by it) and are not performed.
        public var awaitingApproval = 0
        /// Targets found changed outside tresor.
        public var drifted = 0
    }

    /// What a plan would do, or, once applied, what was done: an action counts as done only
    /// when its outcome says so, and a failed one counts as failed.
    public var counts: Counts {
        var counts = Counts()
        for plan in report.plans {
            // A secret stopped by a blocked line counts once, as blocked.
            var secretFailed = plan.error != nil && !plan.targets.contains { $0.action.isBlocked }
            var secretHeld = false
            for target in plan.targets {
                if target.drift != nil { counts.drifted += 1 }
                if let hold = target.hold {
                    if case .approval = hold { secretHeld = true } else { counts.blocked += 1 }
                    continue
                }
                switch target.outcome {
                case .failed?:
                    secretFailed = true
                    continue
                case .skipped?:
                    continue
                case .done?, nil:
                    break
                }
                switch target.action {
                case .create: counts.create += 1
                case .update: counts.update += 1
                case .adopt: counts.adopt += 1
                case .move: counts.move += 1
                case .delete: counts.delete += 1
                case .release: counts.release += 1
                case .blocked: counts.blocked += 1
                case .noop: counts.unchanged += 1
                }
            }
            if secretFailed { counts.failed += 1 }
            if secretHeld { counts.awaitingApproval += 1 }
        }
        return counts
    }

    static func symbol(_ action: TargetAction) -> String {
        switch action {
        case .create: "+"
        case .update: "~"
        case .adopt: "^"
        case .move: ">"
        case .delete: "-"
        case .release: "<"
        case .noop: "="
        case .blocked: "!"
        }
    }

    /// `? approval  waiting: …` above a secret's target lines.
    static func approvalLine(_ approval: PlannedApproval) -> String {
        let marker = approval.state == .approved ? "✓" : "?"
        return "\(marker) approval  \(approval.state.rawValue): \(approval.message)"
    }

    static func short(_ fingerprint: String?) -> String {
        guard let fingerprint else { return "(generated on approval)" }
        guard let colon = fingerprint.firstIndex(of: ":") else { return fingerprint }
        return String(fingerprint[fingerprint.index(after: colon)...].prefix(12))
    }

    public func text(applied: Bool = false) -> String {
        var lines: [String] = []
        if let refusal = report.refusal { return "refused: \(refusal)\n" }
        for change in report.ruleChanges {
            lines.append("VaultProfile \(change.vaultProfile)")
            let marker = change.state == .approved || change.state == .ungated ? "✓" : "?"
            lines.append("  \(marker) rules  \(change.state.rawValue): \(change.message)")
        }
        for plan in report.plans {
            let interesting = plan.targets.filter { verbose || $0.action != .noop || $0.drift != nil || $0.hold != nil }
            guard !interesting.isEmpty || plan.error != nil || plan.approval != nil || plan.notice != nil else { continue }
            if let notice = plan.notice, interesting.isEmpty, plan.error == nil {
                guard plan.state == .expired || verbose else { continue }
                lines.append("Secret \(plan.secret)")
                lines.append("  = \(plan.state.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(notice)")
                continue
            }
            var header = "Secret \(plan.secret)"
            if plan.pruned { header += " (removed from the manifests)" } else if plan.state != .active { header += " [\(plan.state.rawValue)]" }
            lines.append(header)
            if let approval = plan.approval { lines.append("  \(Self.approvalLine(approval))") }
            for target in interesting {
                let place = "\(target.profile):\(target.path) (\(target.role.rawValue))"
                if let drift = target.drift {
                    lines.append(
                        "  ! drift    \(place)  recorded \(Self.short(drift.recorded)) → found \(drift.found.map { Self.short($0) } ?? "nothing")"
                            + "  (\(drift.resolution))")
                    if target.action == .noop, !verbose { continue }
                }
                var line = "  \(Self.symbol(target.action)) \(target.action.description.padding(toLength: 8, withPad: " ", startingAt: 0)) \(place)"
                switch target.action {
                case .create, .update, .adopt, .move:
                    let to = target.toFingerprint.map { Self.short($0) }
                        ?? (plan.approval == nil ? "(generated when applied)" : "(generated on approval)")
                    line += "  \(target.fromFingerprint.map { Self.short($0) + " → " } ?? "")\(to)"
                    if let fields = target.fields, !fields.isEmpty {
                        line += "  fields: \(fields.summary)"
                    } else if !target.changedFields.isEmpty {
                        line += "  fields: \(target.changedFields.joined(separator: ", "))"
                    }
                case .blocked(let reason):
                    line += "  \(reason)"
                default:
                    break
                }
                if let note = target.note, !(target.action.isBlocked) { line += "  (\(note))" }
                if let hold = target.hold {
                    switch hold {
                    case .approval: line += "  [waits for approval]"
                    case .compliance(let message): line += "  [held: \(message)]"
                    }
                }
                if case .failed(let message)? = target.outcome { line += "  FAILED: \(message)" }
                lines.append(line)
            }
            if let error = plan.error, !plan.targets.contains(where: { $0.action == .blocked(error) }) {
                lines.append("  ! error    \(error)")
            }
        }
        let counts = self.counts
        var summary: String
        if applied {
            summary = "Applied: \(counts.create) created, \(counts.update) updated, \(counts.adopt) adopted, "
                + (counts.move > 0 ? "\(counts.move) moved, " : "")
                + "\(counts.delete) deleted, \(counts.release) released, \(counts.unchanged) unchanged; \(report.writes) vault writes"
        } else {
            summary = "Plan: \(counts.create) to create, \(counts.update) to update, \(counts.adopt) to adopt, "
                + (counts.move > 0 ? "\(counts.move) to move, " : "")
                + "\(counts.delete) to delete, \(counts.release) to release, \(counts.unchanged) unchanged"
        }
        if counts.drifted > 0 { summary += ", \(counts.drifted) drifted" }
        if counts.blocked > 0 { summary += ", \(counts.blocked) blocked" }
        if counts.awaitingApproval > 0 { summary += ", \(counts.awaitingApproval) waiting for approval" }
        if counts.failed > 0 { summary += ", \(counts.failed) failed" }
        if !report.heldRuleChanges.isEmpty {
            summary += ", \(report.heldRuleChanges.count) rule change\(report.heldRuleChanges.count == 1 ? "" : "s") held for approval"
        }
        if lines.isEmpty { lines.append("No changes: every vault matches the manifests.") }
        var tail = ["", summary + "."]
        if let warning = report.massDeleteWarning {
            tail.append("Apply will refuse this as a mass delete unless run with --allow-mass-delete: \(Self.firstSentence(warning)).")
        }
        return (lines + tail).joined(separator: "\n") + "\n"
    }

    /// "this run would remove 30 of the 40 …" without the advice meant for apply.
    static func firstSentence(_ text: String) -> String {
        String(text.prefix { $0 != ";" })
    }

    struct JSONTarget: Encodable {
        var profile, role, path, action: String
        var reason: String?
        var fromFingerprint, toFingerprint: String?
        var changedFields: [String]
        /// Added, removed and changed field names; absent where the target's content was not read.
        var fields: FieldChanges?
        var note: String?
        var drift: JSONDrift?
        var hold: String?
        var outcome: String?
        var outcomeMessage: String?
    }

    struct JSONDrift: Encodable {
        var recorded, found: String?
        var resolution: String
    }

    struct JSONSecret: Encodable {
        var name, state: String
        var pruned: Bool
        var error: String?
        var generatedFields: [String]
        var approval: JSONApproval?
        var notice: String?
        var targets: [JSONTarget]
    }

    struct JSONApproval: Encodable {
        var request: String?
        var operation, state, message: String
    }

    struct JSONRuleChange: Encodable {
        var vaultProfile, state, message: String
        var request: String?
        var reasons: [String]
    }

    struct JSONDocument: Encodable {
        var changesPending: Bool
        var ruleChanges: [JSONRuleChange]
        var refusal: String?
        var massDeleteWarning: String?
        var writes: Int
        var secrets: [JSONSecret]
    }

    public func json() -> String {
        let document = JSONDocument(
            changesPending: report.hasChanges,
            ruleChanges: report.ruleChanges.map {
                JSONRuleChange(vaultProfile: $0.vaultProfile, state: $0.state.rawValue, message: $0.message, request: $0.request, reasons: $0.reasons)
            },
            refusal: report.refusal, massDeleteWarning: report.massDeleteWarning, writes: report.writes,
            secrets: report.plans.map(Self.jsonSecret))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(document)) ?? Data(), as: UTF8.self) + "\n"
    }

    static func jsonSecret(_ plan: SecretPlan) -> JSONSecret {
                JSONSecret(
                    name: plan.secret, state: plan.state.rawValue, pruned: plan.pruned, error: plan.error,
                    generatedFields: plan.generatedFields,
                    approval: plan.approval.map {
                        JSONApproval(request: $0.request, operation: $0.operation, state: $0.state.rawValue, message: $0.message)
                    },
                    notice: plan.notice,
                    targets: plan.targets.map { target in
                        var reason: String?
                        if case .blocked(let text) = target.action { reason = text }
                        var outcome: String?
                        var outcomeMessage: String?
                        switch target.outcome {
                        case .done?: outcome = "done"
                        case .failed(let message)?: (outcome, outcomeMessage) = ("failed", message)
                        case .skipped(let message)?: (outcome, outcomeMessage) = ("skipped", message)
                        case nil: break
                        }
                        return JSONTarget(
                            profile: target.profile, role: target.role.rawValue, path: target.path, action: target.action.description,
                            reason: reason, fromFingerprint: target.fromFingerprint, toFingerprint: target.toFingerprint,
                            changedFields: target.changedFields, fields: target.fields, note: target.note,
                            drift: target.drift.map { JSONDrift(recorded: $0.recorded, found: $0.found, resolution: $0.resolution) },
                            hold: target.hold?.message, outcome: outcome, outcomeMessage: outcomeMessage)
                    })
    }
}
