import Foundation
import TresorCore

/// One secret, through the stages: observe → plan → gate for `plan`; then execute →
/// record for `apply` and the daemon. Like controller-runtime's Reconcile it takes only
/// the secret's identity and what it needs to look it up, re-observes every time, and
/// says how the pass ended (``ReconcileResult``).
struct Reconciler: Sendable {
    let context: ReconcileContext

    /// One secret's inputs to a pass.
    struct Work: Sendable {
        var name: String
        /// Nil: removed from the manifests, pruned.
        var secret: Secret?
        var previous: SecretStatus?
        /// Profile → path where the inventory keeps it (registered for this pass).
        var managed: [String: String]
        /// Profile → path the inventory held before this pass registered anything: where an
        /// earlier pass meant to write.
        var registeredBefore: [String: String] = [:]
        var removedType: SecretType = .generic
        var removedPolicy: DeletionPolicy = .retain
    }

    private struct Staged: Sendable {
        var planned: PlannedSecret
        var decision: Gate.Decision
        var approvalsInvolved: Bool
        var generation: String
    }

    private enum Early: Sendable {
        case leftAlone(SecretState, ConditionReason, String)
        case failed(PlanFailure)
    }

    // MARK: plan = observe → plan → gate

    func plan(_ work: Work) async -> SecretPlan {
        switch await stage(work, assumeAbsent: false, persistApprovals: false) {
        case .success(let staged):
            var plan = staged.decision.plan
            plan.result = provisionalResult(staged)
            return plan
        case .failure(let early):
            return earlyPlan(work, early)
        }
    }

    // MARK: apply = observe → plan → gate → execute → record

    func apply(_ work: Work) async -> SecretOutcome {
        var assumeAbsent = mayAssumeAbsent(work)
        var cutShort: CutShort?
        while true {
            let staged: Staged
            switch await stage(work, assumeAbsent: assumeAbsent, persistApprovals: true) {
            case .success(let done): staged = done
            case .failure(let early): return await recordEarly(work, early)
            }
            var planned = staged.planned
            planned.plan = staged.decision.plan
            if let failure = await recordRequests(planned.plan) {
                return await recordEarly(
                    work, EarlyExit(early: .failed(PlanFailure(reason: .sourceFailed, message: failure, retryable: true)), generation: staged.generation))
            }
            let executor = Executor(registry: context.registry, fingerprinter: context.fingerprinter, actor: context.actor, now: context.now)
            let execution = await executor.execute(&planned, secret: work.secret)
            if execution.conflictOnAssumedAbsent, assumeAbsent {
                // Something is at a path tresor never recorded: observe it and decide again.
                assumeAbsent = false
                cutShort = CutShort(planned.plan, execution)
                continue
            }
            let outcome = await record(work, staged: staged, planned: planned, execution: execution)
            return cutShort?.folded(into: outcome) ?? outcome
        }
    }

    /// Puts each vault change the plan is about to make on record as requested (as Vault's
    /// audit device logs a request before its response): a change whose line cannot be
    /// written (a full disk) is not made. Nil when every line was written.
    private func recordRequests(_ plan: SecretPlan) async -> String? {
        guard let audit = context.audit else { return nil }
        let requests = plan.targets.filter { $0.runs && $0.action.changesVault }.map {
            AuditEvent(
                time: context.now, actor: context.actor, secret: plan.secret, vaultProfile: $0.profile,
                operation: $0.action.description, outcome: "requested")
        }
        guard !requests.isEmpty, let failure = await audit.appendCheckedWaiting(requests) else { return nil }
        return "nothing was written to any vault: \(failure); free space or fix the file, then run again"
    }

    /// Observe, plan and gate; under the approvals file's lock when applying, so a decision
    /// made meanwhile by `tresor approve` is never lost.
    private func stage(_ work: Work, assumeAbsent: Bool, persistApprovals: Bool) async -> Result<Staged, EarlyExit> {
        let generation = work.secret.map { Generation.digest(of: $0, fingerprinter: context.fingerprinter) }
            ?? work.previous?.observedGeneration ?? ""
        func stopEarly(_ early: Early) -> Result<Staged, EarlyExit> { .failure(EarlyExit(early: early, generation: generation)) }
        var inputs: DeclaredInputs?
        if let secret = work.secret {
            if !secret.spec.enabled {
                return stopEarly(.leftAlone(.disabled, .disabled, "enabled is false: tresor leaves this secret untouched"))
            }
            if context.registry.isDisabled(secret.spec.vaultProfile) {
                return stopEarly(
                    .leftAlone(.disabled, .disabled, "vault profile '\(secret.spec.vaultProfile)' is disabled (spec.enabled: false)"))
            }
            if let expiresAt = secret.spec.expiresAt, expiresAt.date <= context.now {
                return stopEarly(.leftAlone(.expired, .expired, "expired at \(expiresAt.text); set a later expiresAt to manage it again"))
            }
            do {
                inputs = try DeclaredInputs.resolve(
                    secret, resolver: context.resolver, fingerprinter: context.fingerprinter, limit: context.valueLimit(for: secret))
            } catch {
                // A value source may appear without a manifest change (a file written, a
                // variable set at restart): retried with backoff.
                return stopEarly(.failed(PlanFailure(reason: .resolveFailed, message: "\(error)", retryable: true)))
            }
        }
        let scope = Observer.Scope(
            name: work.name, secret: work.secret, inputs: inputs, previous: work.previous, managed: work.managed,
            registeredBefore: work.registeredBefore, assumeAbsent: assumeAbsent, now: context.now)
        let observation = await context.observer.observe(scope)
        let planned = Planner.plan(
            Planner.Input(scope: scope, observation: observation, fingerprinter: context.fingerprinter, removedPolicy: work.removedPolicy))
        if let error = observation.approvalsError {
            return stopEarly(.failed(PlanFailure(reason: .sourceFailed, message: error, retryable: false)))
        }
        let approvalsInvolved = observation.approvals != nil
        func gate(_ file: ApprovalFile?) -> Gate.Decision {
            Gate.decide(
                Gate.Input(
                    planned: planned, secret: work.secret, previous: work.previous, approvals: file,
                    approvalProfiles: context.approvalProfiles, compliance: context.compliance,
                    requester: context.requester.identity(for: work.secret), generation: generation, now: context.now,
                    newRequestID: approvalsInvolved ? ApprovalRequest.newID(secret: work.name) : "", seal: context.seal))
        }
        var decision: Gate.Decision
        if approvalsInvolved, persistApprovals {
            do {
                decision = try context.approvalStore.update(work.name) { file in
                    let decided = gate(file)
                    if let changed = decided.approvals { file = changed }
                    return decided
                }
            } catch {
                return stopEarly(
                    .failed(PlanFailure(reason: .sourceFailed, message: "cannot record the approval request: \(error)", retryable: true)))
            }
        } else {
            decision = gate(observation.approvals)
        }
        if let failure = planned.failure {
            decision.plan.error = failure.message
        }
        if persistApprovals, decision.isNewRequest, let request = decision.request {
            // The request was made: name it, as an open request is named.
            let message = Gate.noting(decision.tampered, request.waitingMessage)
            decision.plan.approval?.request = request.id
            decision.plan.approval?.message = message
            for index in decision.plan.targets.indices where decision.plan.targets[index].hold.map(Self.isApproval) == true {
                decision.plan.targets[index].hold = .approval(message)
            }
        }
        return .success(Staged(planned: planned, decision: decision, approvalsInvolved: approvalsInvolved, generation: generation))
    }

    /// A secret that stops before it is observed, with the spec generation already computed.
    private struct EarlyExit: Error {
        var early: Early
        var generation: String
    }

    // MARK: Record

    private func record(_ work: Work, staged: Staged, planned: PlannedSecret, execution: Executor.Result) async -> SecretOutcome {
        var output = Recorder.record(
            Recorder.Input(
                planned: planned, gate: staged.decision, execution: execution, secret: work.secret, previous: work.previous,
                managed: work.managed, removedType: work.removedType, removedPolicy: work.removedPolicy,
                approvalsInvolved: staged.approvalsInvolved,
                sourceCompliance: work.secret.flatMap { context.compliance.profiles[$0.spec.vaultProfile] },
                generation: staged.generation, actor: context.actor, now: context.now))
        var audit = staged.decision.events + output.audit + execution.audit
        if let performed = output.performed { audit += markPerformed(performed) }
        var plan = planned.plan
        plan.state = output.status.state
        plan.result = output.result
        let failed = Self.isFailure(output.result, plan: plan)
        if failed, plan.error == nil, case .retry(let message) = output.result { plan.error = message }
        do {
            try await persist(output.status, previous: work.previous)
        } catch {
            plan.error = "\(error)"
            output.result = .retry("\(error)")
            return SecretOutcome(
                plan: plan, status: output.status, audit: audit, writes: execution.writes, failed: true, managedTargets: work.managed,
                result: output.result)
        }
        return SecretOutcome(
            plan: plan, status: output.status, audit: audit, writes: execution.writes, failed: failed, managedTargets: output.managed,
            result: output.result)
    }

    /// Writes the status unless only its times changed: no-change passes over thousands of
    /// secrets then cost no disk writes. The fsync runs off the cooperative pool.
    private func persist(_ status: SecretStatus, previous: SecretStatus?) async throws {
        guard !status.differsOnlyInTime(from: previous) else { return }
        try await context.store.writeStatusWaiting(status)
    }

    /// A stalled secret held by a gate is waiting, not failing; everything else that did
    /// not converge is a failure.
    private static func isFailure(_ result: ReconcileResult, plan: SecretPlan) -> Bool {
        switch result {
        case .converged: false
        case .retry: true
        case .stalled: plan.error != nil || plan.targets.contains { $0.action.isBlocked || $0.outcome.map(Self.failedOutcome) == true }
        }
    }

    private static func isApproval(_ hold: Hold) -> Bool {
        if case .approval = hold { return true }
        return false
    }

    private static func failedOutcome(_ outcome: TargetOutcome) -> Bool {
        if case .failed = outcome { return true }
        return false
    }

    private func markPerformed(_ request: ApprovalRequest) -> [AuditEvent] {
        do {
            return try context.approvalStore.update(request.secret) { file in
                guard file.latest?.id == request.id, file.latest?.state == .approved else { return [] }
                var events: [AuditEvent] = []
                file.updateLatest { events.append(ApprovalRules.markPerformed(&$0, now: context.now)) }
                return events
            }
        } catch {
            return [
                ApprovalRules.event(
                    request, actor: "tresor", operation: "approval-execute", outcome: "failure",
                    message: "performed, but the request could not be marked so: \(error)", now: context.now)
            ]
        }
    }

    // MARK: Secrets that stop before planning

    private func earlyPlan(_ work: Work, _ exit: EarlyExit) -> SecretPlan {
        var plan = SecretPlan(secret: work.name, state: work.previous?.state ?? .inactive)
        switch exit.early {
        case .leftAlone(let state, _, let message):
            plan.state = state
            if state == .expired, let expiresAt = work.secret?.spec.expiresAt {
                plan.notice = "expired since \(expiresAt.text); nothing is written until expiresAt is later"
            } else if state != .expired {
                plan.notice = message
            }
            plan.result = .converged(requeueAfter: work.secret?.spec.refreshInterval.seconds ?? 0)
        case .failed(let failure):
            if plan.state != .inactive { plan.state = .failed }
            plan.error = failure.message
            plan.result = failure.retryable ? .retry(failure.message) : .stalled(failure.message)
        }
        return plan
    }

    private func recordEarly(_ work: Work, _ exit: EarlyExit) async -> SecretOutcome {
        var plan = earlyPlan(work, exit)
        guard let secret = work.secret else {
            return SecretOutcome(plan: plan, status: nil, audit: [], writes: 0, failed: true, managedTargets: work.managed, result: plan.result!)
        }
        let generation = exit.generation
        var status: SecretStatus
        switch exit.early {
        case .leftAlone(let state, let reason, let message):
            status = Recorder.leftAlone(
                secret, previous: work.previous, state: state, reason: reason, message: message, generation: generation, now: context.now)
        case .failed(let failure):
            let planned = PlannedSecret(plan: plan, failure: failure)
            let output = Recorder.record(
                Recorder.Input(
                    planned: planned, gate: Gate.Decision(plan: plan), execution: Executor.Result(), secret: secret,
                    previous: work.previous, managed: work.managed, removedType: work.removedType, removedPolicy: work.removedPolicy,
                    approvalsInvolved: false, sourceCompliance: context.compliance.profiles[secret.spec.vaultProfile],
                    generation: generation, actor: context.actor, now: context.now))
            status = output.status
        }
        plan.state = status.state
        let failed = { if case .failed = exit.early { true } else { false } }()
        do {
            try await persist(status, previous: work.previous)
        } catch {
            // The reason the secret stopped stays first: it is what to fix.
            plan.error = plan.error.map { "\($0); and \(error)" } ?? "\(error)"
        }
        // A secret left alone keeps the places it was kept; a secret never written has none.
        let managed = work.managed.filter { work.previous?.targets[$0.key] != nil }
        return SecretOutcome(
            plan: plan, status: status, audit: [], writes: 0, failed: failed, managedTargets: managed, result: plan.result!)
    }

    /// A plan's verdict before execution: what apply would report if nothing failed.
    private func provisionalResult(_ staged: Staged) -> ReconcileResult {
        if let failure = staged.planned.failure { return failure.retryable ? .retry(failure.message) : .stalled(failure.message) }
        if let hold = staged.decision.plan.targets.compactMap(\.hold).first { return .stalled(hold.message) }
        if let blocked = staged.decision.plan.targets.first(where: { $0.action.isBlocked }), case .blocked(let message) = blocked.action {
            return blocked.transient ? .retry(message) : .stalled(message)
        }
        return .converged(requeueAfter: 0)
    }
}
