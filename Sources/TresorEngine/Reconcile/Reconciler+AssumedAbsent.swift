import TresorCore

/// apply's shortcut for a place tresor never wrote: create without reading first
/// (compare-and-set on "absent") and observe again only when something is there after
/// all. So that apply still reports what plan said it would do:
extension Reconciler {
    /// A secret not written anywhere yet that a gate may hold is observed for real: a held
    /// create is never tried, so an assumed-absent place would never be checked, and the
    /// approval request would ask for a create where something (a foreign secret) blocks
    /// it. (A secret written somewhere keeps the shortcut for places it adds: a move back
    /// to a place it left is planned as a move only while that place is assumed absent.)
    func mayAssumeAbsent(_ work: Work) -> Bool {
        guard let secret = work.secret, work.previous?.targets.isEmpty ?? true else { return true }
        return ([secret.spec.vaultProfile] + secret.spec.syncVaultProfiles).allSatisfy { profile in
            context.approvalProfiles[profile] == nil && context.compliance.profiles[profile]?.spec.enforcement != .deny
        }
    }

    /// What an attempt stopped by such a conflict had written already (the source, say,
    /// before a copy found a foreign secret in its place).
    struct CutShort: Sendable {
        var done: [PlannedTarget]
        var execution: Executor.Result

        init(_ plan: SecretPlan, _ execution: Executor.Result) {
            done = plan.targets.filter { $0.outcome == .done }
            self.execution = execution
        }

        /// The next attempt's outcome with these writes in it: its count, its audit events,
        /// and its lines where the next attempt found tresor's own write (nothing to do).
        func folded(into outcome: SecretOutcome) -> SecretOutcome {
            var outcome = outcome
            outcome.writes += execution.writes
            outcome.audit = execution.audit + outcome.audit
            for index in outcome.plan.targets.indices where outcome.plan.targets[index].action == .noop {
                let line = outcome.plan.targets[index]
                if let earlier = done.first(where: { $0.profile == line.profile && $0.path == line.path }) {
                    outcome.plan.targets[index] = earlier
                }
            }
            return outcome
        }
    }
}
