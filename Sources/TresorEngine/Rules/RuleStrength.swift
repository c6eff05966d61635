import TresorCore

/// Whether new rules hold secrets at least as tightly as the rules in force, and if not,
/// how they are looser: a looser rule set is a change that needs the approval of the
/// rules in force (as a branch protection change needs the protection it removes).
enum RuleStrength {
    /// How `new` approval rules are looser than `old`; empty when they are not.
    static func loosenings(from old: VaultRules.Approval?, to new: VaultRules.Approval?) -> [String] {
        guard let old else { return [] }
        guard let new else { return ["approval profile '\(old.profile)' removed"] }
        var found: [String] = []
        if new.spec.requiredApprovals < old.spec.requiredApprovals {
            found.append("requiredApprovals lowered from \(old.spec.requiredApprovals) to \(new.spec.requiredApprovals)")
        }
        if new.spec.allowSelfApproval, !old.spec.allowSelfApproval { found.append("allowSelfApproval turned on") }
        let oldApprovers = Set(old.spec.approvers.map(ApprovalIdentity.normalized))
        let added = Set(new.spec.approvers.map(ApprovalIdentity.normalized)).subtracting(oldApprovers)
        if !added.isEmpty { found.append("approvers added: " + added.sorted().joined(separator: ", ")) }
        if let limit = old.spec.expiresAfter {
            if let newLimit = new.spec.expiresAfter {
                if newLimit.seconds > limit.seconds { found.append("expiresAfter lengthened from \(limit) to \(newLimit)") }
            } else {
                found.append("expiresAfter \(limit) removed")
            }
        }
        if new.spec.cliIdentity == .declared, old.spec.cliIdentity != .declared { found.append("cliIdentity set to declared") }
        return found
    }

    /// How `new` compliance rules are looser than `old`; empty when they are not.
    static func loosenings(from old: VaultRules.Compliance?, to new: VaultRules.Compliance?) -> [String] {
        guard let old else { return [] }
        guard let new else { return ["compliance profile '\(old.profile)' removed"] }
        var found: [String] = []
        if old.spec.enforcement == .deny, new.spec.enforcement != .deny { found.append("enforcement lowered from deny to audit") }
        for rule in old.spec.rules {
            guard let replacement = new.spec.rules.first(where: { $0.name == rule.name }) else {
                found.append("rule '\(rule.name)' removed")
                continue
            }
            if !isAtLeastAsStrict(replacement, as: rule) { found.append("rule '\(rule.name)' loosened") }
        }
        return found
    }

    /// True when every content `new` accepts, `old` accepted too (for the checks whose
    /// parameters can be ordered; any other change counts as looser).
    static func isAtLeastAsStrict(_ new: ComplianceRule, as old: ComplianceRule) -> Bool {
        guard covers(new.appliesTo, old.appliesTo) else { return false }
        switch (new.check, old.check) {
        case (.minLength(let new), .minLength(let old)), (.secretKeyBits(let new), .secretKeyBits(let old)):
            return new >= old
        case (.characterClasses(let new), .characterClasses(let old)):
            return Set(new).isSuperset(of: old)
        case (.requiredLabels(let new), .requiredLabels(let old)):
            return Set(new).isSuperset(of: old)
        case (.allowedTypes(let new), .allowedTypes(let old)):
            return Set(new).isSubset(of: old)
        case (.keyStore(let new), .keyStore(let old)):
            return Set(new).isSubset(of: old)
        case (.maxAge(let new), .maxAge(let old)):
            return new.seconds <= old.seconds
        case (.privateKey(let algorithms, let bits, let curves), .privateKey(let oldAlgorithms, let oldBits, let oldCurves)):
            return narrows(algorithms, oldAlgorithms) && narrows(curves, oldCurves) && atLeast(bits, oldBits)
        case (.jwt(let requireExp, let algorithms), .jwt(let oldRequireExp, let oldAlgorithms)):
            return (requireExp || !oldRequireExp) && narrows(algorithms, oldAlgorithms)
        default:
            return new.check == old.check
        }
    }

    /// A rule's types (nil: all) include every type the old one applied to.
    private static func covers(_ new: [SecretType]?, _ old: [SecretType]?) -> Bool {
        guard let new else { return true }
        guard let old else { return false }
        return Set(new).isSuperset(of: old)
    }

    /// An allowed list (nil: anything) allows nothing the old one did not.
    private static func narrows<Element: Hashable>(_ new: [Element]?, _ old: [Element]?) -> Bool {
        guard let old else { return true }
        guard let new else { return false }
        return Set(new).isSubset(of: old)
    }

    /// A minimum (nil: none) at least the old one.
    private static func atLeast(_ new: Int?, _ old: Int?) -> Bool {
        guard let old else { return true }
        guard let new else { return false }
        return new >= old
    }
}
