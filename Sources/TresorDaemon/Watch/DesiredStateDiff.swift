import TresorCore
import TresorEngine

/// Which secrets a manifest change concerns: those added, removed or edited, and those
/// whose vault profiles (or the approval and compliance profiles those name) changed.
/// Positions in files do not count: moving a manifest re-plans nothing.
public enum DesiredStateDiff {
    public static func affectedSecrets(from old: DesiredState, to new: DesiredState) -> Set<String> {
        var affected = Set<String>()
        for name in Set(old.secrets.keys).union(new.secrets.keys) where !sameSecret(old.secrets[name], new.secrets[name]) {
            affected.insert(name)
        }
        let changedApproval = changedNames(old.approvalProfiles, new.approvalProfiles) { [$0.metadata as AnyHashable, $0.spec] }
        let changedCompliance = changedNames(old.complianceProfiles, new.complianceProfiles) { [$0.metadata as AnyHashable, $0.spec] }
        var changedProfiles = changedNames(old.vaultProfiles, new.vaultProfiles) { [$0.metadata as AnyHashable, $0.spec] }
        for state in [old, new] {
            for profile in state.vaultProfiles.values {
                if let approval = profile.spec.approvalProfile, changedApproval.contains(approval) { changedProfiles.insert(profile.name) }
                if let compliance = profile.spec.complianceProfile, changedCompliance.contains(compliance) {
                    changedProfiles.insert(profile.name)
                }
            }
        }
        guard !changedProfiles.isEmpty else { return affected }
        for state in [old, new] {
            for secret in state.secrets.values
            where changedProfiles.contains(secret.spec.vaultProfile) || secret.spec.syncVaultProfiles.contains(where: changedProfiles.contains) {
                affected.insert(secret.name)
            }
        }
        return affected
    }

    /// Of `names`, the secrets added, removed or edited: what `affectedSecrets` finds when
    /// no profile changed and only those names can differ (a reload of some files).
    public static func changedSecrets(among names: Set<String>, from old: DesiredState, to new: DesiredState) -> Set<String> {
        names.filter { !sameSecret(old.secrets[$0], new.secrets[$0]) }
    }

    /// Secrets of `new` whose vault profiles hold them to other rules than in `old`.
    static func secretsWithChangedRules(from old: DesiredState, to new: DesiredState) -> Set<String> {
        let before = VaultRules.declared(in: old)
        let after = VaultRules.declared(in: new)
        let changed = Set(after.keys.filter { before[$0] != after[$0] })
        guard !changed.isEmpty else { return [] }
        return Set(
            new.secrets.values.filter { changed.contains($0.spec.vaultProfile) || $0.spec.syncVaultProfiles.contains(where: changed.contains) }
                .map(\.name))
    }

    static func sameSecret(_ a: Secret?, _ b: Secret?) -> Bool {
        a?.metadata == b?.metadata && a?.spec == b?.spec
    }

    static func changedNames<T>(_ old: [String: T], _ new: [String: T], _ key: (T) -> [AnyHashable]) -> Set<String> {
        var changed = Set<String>()
        for name in Set(old.keys).union(new.keys) {
            let before = old[name].map(key)
            let after = new[name].map(key)
            if before != after { changed.insert(name) }
        }
        return changed
    }
}
