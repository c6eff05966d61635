import Foundation
import TresorCore

/// The record stage, pure and the only code that sets a secret's conditions, appends its
/// versions and advances `observedGeneration` (only once the secret converged). Versions
/// follow what the source is seen to hold and what was written, so a crash between a
/// vault write and the status write is repaired by the next pass with neither a lost nor
/// a duplicated version.
enum Recorder {
    struct Input: Sendable {
        var planned: PlannedSecret
        var gate: Gate.Decision
        var execution: Executor.Result
        var secret: Secret?
        var previous: SecretStatus?
        /// Profile → path as registered in the inventory for this pass.
        var managed: [String: String]
        /// A removed secret's type (from the inventory), for a status that was lost.
        var removedType: SecretType
        var removedPolicy: DeletionPolicy
        /// Approval profiles are in play for this secret.
        var approvalsInvolved: Bool
        /// The source profile's ComplianceProfile, if it has one.
        var sourceCompliance: ComplianceProfile?
        var generation: String
        var actor: String
        var now: Date
    }

    struct Output: Sendable {
        var status: SecretStatus
        /// Where the secret is managed after the pass; nil: drop it from the inventory.
        var managed: [String: String]?
        var result: ReconcileResult
        var audit: [AuditEvent] = []
        /// The approved request whose actions all ran: to be marked performed.
        var performed: ApprovalRequest?
    }

    static func record(_ input: Input) -> Output {
        let name = input.planned.plan.secret
        let now = input.now
        var status = input.previous
            ?? SecretStatus(
                name: name, type: input.secret?.spec.type ?? input.removedType,
                sourceProfile: input.secret?.spec.vaultProfile ?? input.managed.keys.sorted().first ?? "")
        status.lastReconciledAt = now
        var audit: [AuditEvent] = []
        if let secret = input.secret {
            status.type = secret.spec.type
            status.origin = ManifestOrigin(secret.origin.location)
            status.labels = secret.metadata.labels.isEmpty ? nil : secret.metadata.labels
            if status.state.isRemoved { status.state = .inactive }
        }
        for version in input.planned.observedVersions {
            status.appendVersion(fingerprint: version.fingerprint, vaultProfile: version.profile, vaultVersion: version.vaultVersion, at: now)
            audit.append(
                AuditEvent(
                    time: now, actor: input.actor, secret: name, vaultProfile: version.profile,
                    operation: version.isDrift ? "drift" : "observe", outcome: "success", fingerprint: version.fingerprint,
                    previousFingerprint: input.previous?.latestVersion?.fingerprint, vaultVersion: version.vaultVersion,
                    message: version.cause))
        }
        for line in input.planned.plan.targets where line.drift != nil && line.role == .sync {
            audit.append(
                AuditEvent(
                    time: now, actor: input.actor, secret: name, vaultProfile: line.profile, operation: "drift", outcome: "success",
                    fingerprint: line.drift?.found, previousFingerprint: line.drift?.recorded, message: line.drift?.resolution))
        }
        var managed = input.managed
        recordTargets(input, status: &status, managed: &managed)
        recordCompliance(input, status: &status)
        var output = Output(status: status, managed: managed, result: .converged(requeueAfter: 0), audit: audit)
        if input.secret == nil {
            finishRemoved(input, &output)
        } else {
            finishDeclared(input, &output)
        }
        return output
    }

    // MARK: Targets

    private static func recordTargets(_ input: Input, status: inout SecretStatus, managed: inout [String: String]) {
        let now = input.now
        let wanted = Set(input.secret.map { [$0.spec.vaultProfile] + $0.spec.syncVaultProfiles } ?? [])
        for line in input.planned.plan.targets {
            let key = TargetKey(profile: line.profile, path: line.path)
            let recorded = status.targets[line.profile].flatMap { $0.path == line.path ? $0 : nil }
            let isWanted = wanted.contains(line.profile) && input.secret?.vaultPath == line.path
            if !isWanted {
                // A place the secret leaves.
                let gone: Bool
                switch (line.action, line.outcome) {
                case (.delete, .done?), (.release, .done?): gone = true
                case (.noop, _): gone = !line.untouched
                default: gone = false
                }
                if gone {
                    if recorded != nil { status.targets.removeValue(forKey: line.profile) }
                    if managed[line.profile] == line.path { managed.removeValue(forKey: line.profile) }
                    continue
                }
                switch (line.action, line.outcome) {
                case (_, .failed(let message)?), (.blocked(let message), _):
                    if var target = recorded {
                        target.lastError = message
                        status.targets[line.profile] = target
                    }
                default:
                    break
                }
                continue
            }
            var target = recorded ?? TargetStatus(role: line.role, path: line.path)
            target.role = line.role
            switch (line.action, line.outcome) {
            case (_, .done?) where line.action.writes:
                let written = input.execution.written[key]
                if line.role == .source, let fingerprint = input.execution.fingerprint {
                    status.appendVersion(fingerprint: fingerprint, vaultProfile: line.profile, vaultVersion: written?.vaultVersion, at: now)
                }
                target = TargetStatus(
                    role: line.role, path: line.path, fingerprint: input.execution.fingerprint, vaultVersion: written?.vaultVersion,
                    lastSyncedAt: now)
            case (_, .failed(let message)?):
                target.lastError = message
            case (_, .skipped(let message)?) where line.hold == nil:
                target.lastError = message
            case (.blocked(let message), _):
                target.lastError = message
            case (.noop, _) where line.untouched:
                break
            case (.noop, _):
                target = TargetStatus(
                    role: line.role, path: line.path, fingerprint: line.fromFingerprint ?? line.toFingerprint,
                    vaultVersion: line.observedVaultVersion ?? recorded?.vaultVersion, lastSyncedAt: recorded?.lastSyncedAt ?? now,
                    compliance: recorded?.compliance)
            default:
                break
            }
            let neverHere = recorded == nil && line.outcome != .done && (line.hold != nil || line.action.isBlocked)
            if neverHere {
                // Nothing was ever written here: held, or someone else's secret is there.
                if managed[line.profile] == line.path, input.previous?.targets[line.profile] == nil { managed.removeValue(forKey: line.profile) }
                // A compliance result is still recorded for the profile that kept it out.
                if let result = input.gate.compliance[line.profile], line.role == .sync {
                    status.targets[line.profile] = TargetStatus(role: line.role, path: line.path, compliance: result)
                }
                continue
            }
            status.targets[line.profile] = target
            managed[line.profile] = line.path
        }
        // Targets of profiles the secret no longer has and the inventory no longer keeps.
        status.targets = status.targets.filter { managed[$0.key] != nil || wanted.contains($0.key) }
    }

    // MARK: Compliance

    private static func recordCompliance(_ input: Input, status: inout SecretStatus) {
        guard let secret = input.secret else { return }
        let source = secret.spec.vaultProfile
        if let failure = input.planned.failure {
            // The pass stopped before the content was known: keep an earlier evaluation,
            // or say that none was made.
            guard let rules = input.sourceCompliance, status.compliance?.profile != rules.name else { return }
            status.compliance = ComplianceStatus(
                profile: rules.name, enforcement: rules.spec.enforcement.rawValue, overall: .notChecked, rules: [], fingerprint: nil,
                rulesDigest: ComplianceEvaluator.rulesDigest(rules), checkedAt: input.now, message: "not evaluated: \(failure.message)")
            status.setCondition(
                .compliant, .unknown, .notChecked, "not evaluated yet: the pass stopped before the content was known", now: input.now)
            return
        }
        // Generated values are judged by their generator's parameters before they exist;
        // once written, the result stands for the content written, so the next pass can
        // keep it without reading the values.
        func stamped(_ result: ComplianceStatus?) -> ComplianceStatus? {
            guard var result, result.fingerprint == nil, let written = input.execution.fingerprint else { return result }
            result.fingerprint = written
            return result
        }
        status.compliance = stamped(input.gate.compliance[source])
        for profile in secret.spec.syncVaultProfiles {
            if let result = stamped(input.gate.compliance[profile]) {
                status.targets[profile]?.compliance = result
            } else {
                status.targets[profile]?.compliance = nil
            }
        }
        let results = input.gate.compliance.values
        guard let overall = Gate.worst(results) else {
            status.conditions.removeAll { $0.type == .compliant }
            return
        }
        let profiles = Set(results.map(\.profile)).sorted().map { "'\($0)'" }.joined(separator: ", ")
        let now = input.now
        switch overall {
        case .ok:
            status.setCondition(.compliant, .true, .compliant, "all rules of \(profiles) pass", now: now)
        case .na:
            status.setCondition(.compliant, .true, .compliant, "no rule of \(profiles) fails; some do not apply to \(secret.spec.type.rawValue)", now: now)
        case .nok:
            let failing = input.gate.compliance.sorted { $0.key < $1.key }.filter { $0.value.overall == .nok }
                .map { "\($0.key): \($0.value.enforcement): \(Gate.failures($0.value))" }.joined(separator: "; ")
            status.setCondition(.compliant, .false, .nonCompliant, failing, now: now)
        case .failed, .notChecked:
            status.setCondition(.compliant, .unknown, .complianceFailed, results.compactMap(\.message).first ?? "not evaluated", now: now)
        }
    }

    // MARK: Conditions and state

    private static func finishDeclared(_ input: Input, _ output: inout Output) {
        let secret = input.secret!
        let now = input.now
        let plan = input.planned.plan
        var status = output.status
        defer { output.status = status }
        let source = secret.spec.vaultProfile
        let holds = version(status)

        if let failure = input.planned.failure {
            status.state = .failed
            status.setCondition(.ready, .false, failure.reason, failure.message, now: now)
            output.result = failure.retryable ? .retry(failure.message) : .stalled(failure.message)
            return
        }
        recordSynced(input, &status)
        recordDrift(plan, &status, now: now)
        let sourceLine = plan.targets.first { $0.role == .source && $0.profile == source }
        let sourceSettled = sourceLine.map { $0.hold == nil && ($0.action == .noop || $0.outcome == .done) } ?? false
        if sourceSettled {
            status.sourceProfile = source
            status.appliedInputs = input.planned.inputsDigest
        }

        if let request = input.gate.request {
            status.approval = request.summary
            let refused = request.state == .rejected || request.state == .expired
            let isCreate = request.binding.operation == .create
            if refused {
                let message = Gate.refusalMessage(request)
                let reason: ConditionReason = request.state == .rejected ? .rejected : .approvalExpired
                status.setCondition(.approved, .false, reason, message, now: now)
                status.state = .rejected
                if isCreate || status.latestVersion == nil {
                    status.setCondition(.ready, .false, reason, "not written: " + message, now: now)
                } else {
                    status.setCondition(.ready, .true, .reconciled, "\(source) holds \(holds); \(message)", now: now)
                }
            } else {
                status.state = .pendingApproval
                status.setCondition(.approved, .false, .pending, Gate.noting(input.gate.tampered, request.waitingMessage), now: now)
                if isCreate || status.latestVersion == nil {
                    status.setCondition(.ready, .false, .pending, "not written: the create waits for approval", now: now)
                } else {
                    status.setCondition(
                        .ready, .true, .reconciled,
                        "\(source) holds \(holds); the \(request.binding.operation.rawValue) waits for approval", now: now)
                }
            }
            output.result = .stalled(plan.approval?.message ?? request.waitingMessage)
            return
        }
        let gatedRan = plan.targets.allSatisfy { $0.outcome.map { if case .failed = $0 { false } else { true } } ?? true }
        if let approved = input.gate.approved, gatedRan {
            output.performed = approved
            status.approval = nil
            status.setCondition(
                .approved, .true, .approved,
                "request \(approved.id) (\(approved.binding.operation.rawValue)) approved by \(approved.approvals.joined(separator: ", ")) "
                    + "and performed", now: now)
        } else if input.approvalsInvolved || status.approval != nil || status.condition(.approved) != nil {
            status.approval = nil
            if status.condition(.approved)?.status != .true {
                status.setCondition(.approved, .true, .notRequired, "no change waits for approval", now: now)
            }
        }
        if let hold = input.gate.complianceHold {
            status.setCondition(.ready, .false, .nonCompliant, hold, now: now)
            if status.state == .pendingApproval || status.state == .rejected { status.state = status.latestVersion == nil ? .inactive : .active }
            output.result = .stalled(hold)
            return
        }
        let problems = plan.targets.compactMap { line -> (String, Bool)? in
            switch (line.action, line.outcome) {
            case (_, .failed(let message)?): return ("\(line.profile): \(message)", true)
            case (.blocked(let message), _): return ("\(line.profile): \(message)", line.transient)
            default: return nil
            }
        }
        status.state = .active
        let message = "\(source) holds \(version(status))"
        if problems.isEmpty {
            status.setCondition(.ready, .true, .reconciled, message, now: now)
        } else {
            // The source holds its version, but a target does not: not ready until every
            // target is (a target whose profile cannot be used is one of them).
            status.setCondition(
                .ready, .false, .syncFailed, message + "; " + problems.map(\.0).joined(separator: "; "), now: now)
        }
        if problems.isEmpty {
            status.observedGeneration = input.generation
            output.result = .converged(requeueAfter: secret.spec.refreshInterval.seconds)
        } else if problems.contains(where: \.1) {
            output.result = .retry(problems.map(\.0).joined(separator: "; "))
        } else {
            output.result = .stalled(problems.map(\.0).joined(separator: "; "))
        }
    }

    private static func version(_ status: SecretStatus) -> String {
        status.latestVersion.map { "version \($0.number)" } ?? "no version"
    }

    private static func recordSynced(_ input: Input, _ status: inout SecretStatus) {
        let now = input.now
        let syncLines = input.planned.plan.targets.filter { line in
            line.role == .sync && input.secret?.spec.syncVaultProfiles.contains(line.profile) == true
                && line.path == input.secret?.vaultPath
        }
        guard !syncLines.isEmpty else {
            status.setCondition(.synced, .true, .noSyncTargets, "no sync targets", now: now)
            return
        }
        var problems: [String] = []
        var waiting: [String] = []
        for line in syncLines {
            switch (line.action, line.outcome) {
            case (_, .failed(let message)?), (.blocked(let message), _): problems.append("\(line.profile): \(message)")
            case (_, .skipped(let message)?) where line.hold == nil: problems.append("\(line.profile): \(message)")
            default: if line.hold != nil { waiting.append(line.profile) }
            }
        }
        if !problems.isEmpty {
            status.setCondition(.synced, .false, .syncFailed, problems.joined(separator: "; "), now: now)
        } else if !waiting.isEmpty {
            status.setCondition(.synced, .false, .pending, "\(waiting.joined(separator: ", ")) keep the previous version while the change is held", now: now)
        } else {
            status.setCondition(.synced, .true, .synced, "all \(syncLines.count) sync targets hold the current version", now: now)
        }
    }

    private static func recordDrift(_ plan: SecretPlan, _ status: inout SecretStatus, now: Date) {
        let drifted = plan.drifted
        if drifted.isEmpty {
            if status.condition(.drifted)?.status == .true {
                status.setCondition(.drifted, .false, .noDrift, "every target holds what tresor recorded", now: now)
            }
            return
        }
        let message = drifted.map { "\($0.profile): \($0.drift?.resolution ?? "changed outside tresor")" }.joined(separator: "; ")
        status.setCondition(.drifted, .true, .driftDetected, message, now: now)
    }

    private static func finishRemoved(_ input: Input, _ output: inout Output) {
        let now = input.now
        let plan = input.planned.plan
        var status = output.status
        defer { output.status = status }
        if let request = input.gate.request {
            status.approval = request.summary
            let refused = request.state == .rejected || request.state == .expired
            if refused {
                status.state = .rejected
                status.setCondition(
                    .approved, .false, request.state == .rejected ? .rejected : .approvalExpired,
                    "delete request \(request.id) was \(request.state.rawValue); the vault copies stay. Declare the secret again to "
                        + "keep managing it; removing it again later asks anew", now: now)
            } else {
                status.state = .pendingApproval
                status.setCondition(.approved, .false, .pending, request.waitingMessage, now: now)
            }
            output.result = .stalled(plan.approval?.message ?? request.waitingMessage)
            return
        }
        let unfinished = plan.targets.contains { line in
            if case .failed = line.outcome { return true }
            return line.action.isBlocked || line.untouched
        }
        if let approved = input.gate.approved, !unfinished { output.performed = approved }
        if unfinished {
            let problems = plan.targets.compactMap { line -> String? in
                if case .failed(let message) = line.outcome { return message }
                if case .blocked(let message) = line.action { return message }
                return nil
            }
            status.setCondition(.ready, .false, .removed, "removed from the manifests; " + problems.joined(separator: "; "), now: now)
            output.result = plan.targets.contains { $0.transient || { if case .failed = $0.outcome { true } else { false } }($0) }
                ? .retry(problems.joined(separator: "; ")) : .stalled(problems.joined(separator: "; "))
            return
        }
        let deleted = input.removedPolicy == .delete
        status.state = deleted ? .deleted : .released
        status.approval = nil
        status.targets = [:]
        status.setCondition(
            .ready, .false, .removed,
            deleted ? "removed from the manifests; its vault copies were deleted (deletionPolicy: Delete)"
                : "removed from the manifests; its vault copies were left in place (deletionPolicy: Retain)", now: now)
        output.managed = nil
        output.result = .converged(requeueAfter: 0)
    }

    /// A secret the pass leaves alone on purpose: `enabled: false`, a disabled source
    /// profile, or past `expiresAt`.
    static func leftAlone(
        _ secret: Secret, previous: SecretStatus?, state: SecretState, reason: ConditionReason, message: String, generation: String,
        now: Date
    ) -> SecretStatus {
        var status = previous ?? SecretStatus(name: secret.name, type: secret.spec.type, sourceProfile: secret.spec.vaultProfile)
        status.type = secret.spec.type
        status.origin = ManifestOrigin(secret.origin.location)
        status.labels = secret.metadata.labels.isEmpty ? nil : secret.metadata.labels
        status.lastReconciledAt = now
        status.observedGeneration = generation
        status.state = state
        status.setCondition(.ready, .false, reason, message, now: now)
        return status
    }
}
