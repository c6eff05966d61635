import Testing
import TresorCore

@testable import TresorEngine

/// What counts as loosening a vault profile's rules (and so needs the approval in force).
@Suite struct RuleStrengthTests {
    static func approval(_ change: (inout ApprovalProfileSpec) -> Void = { _ in }) -> VaultRules.Approval {
        var spec = ApprovalProfileSpec(requiredApprovals: 2, approvers: ["alice", "bob", "carol"], expiresAfter: Period("7d"))
        change(&spec)
        return VaultRules.Approval(profile: "review", spec: spec)
    }

    static func compliance(_ change: (inout ComplianceProfileSpec) -> Void = { _ in }) -> VaultRules.Compliance {
        var spec = ComplianceProfileSpec(
            enforcement: .deny,
            rules: [
                ComplianceRule(name: "long", check: .minLength(min: 24)),
                ComplianceRule(name: "age", appliesTo: [.basicAuth], check: .maxAge(duration: Period("90d")!)),
                ComplianceRule(name: "keys", check: .privateKey(algorithms: [.rsa, .ec], minRSABits: 3072, curves: nil)),
            ])
        change(&spec)
        return VaultRules.Compliance(profile: "strict", spec: spec)
    }

    @Test func everyLooserApprovalSettingIsNamed() {
        let old = Self.approval()
        #expect(RuleStrength.loosenings(from: old, to: old).isEmpty)
        #expect(RuleStrength.loosenings(from: old, to: nil) == ["approval profile 'review' removed"])
        #expect(RuleStrength.loosenings(from: old, to: Self.approval { $0.requiredApprovals = 1 }).count == 1)
        #expect(RuleStrength.loosenings(from: old, to: Self.approval { $0.allowSelfApproval = true }) == ["allowSelfApproval turned on"])
        #expect(RuleStrength.loosenings(from: old, to: Self.approval { $0.approvers.append("Mallory@Example.com") })
            == ["approvers added: mallory@example.com"])
        #expect(RuleStrength.loosenings(from: old, to: Self.approval { $0.expiresAfter = nil }) == ["expiresAfter 7d removed"])
        #expect(RuleStrength.loosenings(from: old, to: Self.approval { $0.expiresAfter = Period("30d") }).count == 1)
        #expect(RuleStrength.loosenings(from: old, to: Self.approval { $0.cliIdentity = .declared }) == ["cliIdentity set to declared"])
        // Nothing was in force: nothing to loosen.
        #expect(RuleStrength.loosenings(from: nil as VaultRules.Approval?, to: nil).isEmpty)
    }

    @Test func tighterOrReorderedApprovalSettingsAreNotLooser() {
        let old = Self.approval()
        let tighter = Self.approval {
            $0.requiredApprovals = 3
            $0.approvers = ["carol", "Alice "]
            $0.expiresAfter = Period("1d")
        }
        #expect(RuleStrength.loosenings(from: old, to: tighter).isEmpty)
    }

    @Test func everyLooserComplianceSettingIsNamed() {
        let old = Self.compliance()
        #expect(RuleStrength.loosenings(from: old, to: old).isEmpty)
        #expect(RuleStrength.loosenings(from: old, to: nil) == ["compliance profile 'strict' removed"])
        #expect(RuleStrength.loosenings(from: old, to: Self.compliance { $0.enforcement = .audit }) == ["enforcement lowered from deny to audit"])
        #expect(RuleStrength.loosenings(from: old, to: Self.compliance { $0.rules.removeFirst() }) == ["rule 'long' removed"])
        let shorter = Self.compliance { $0.rules[0] = ComplianceRule(name: "long", check: .minLength(min: 12)) }
        #expect(RuleStrength.loosenings(from: old, to: shorter) == ["rule 'long' loosened"])
        let older = Self.compliance { $0.rules[1].check = .maxAge(duration: Period("180d")!) }
        #expect(RuleStrength.loosenings(from: old, to: older) == ["rule 'age' loosened"])
        let narrower = Self.compliance { $0.rules[1].appliesTo = [] }
        #expect(RuleStrength.loosenings(from: old, to: narrower) == ["rule 'age' loosened"])
        let anyAlgorithm = Self.compliance { $0.rules[2].check = .privateKey(algorithms: nil, minRSABits: 3072, curves: nil) }
        #expect(RuleStrength.loosenings(from: old, to: anyAlgorithm) == ["rule 'keys' loosened"])
        let otherKind = Self.compliance { $0.rules[0].check = .uniqueContent }
        #expect(RuleStrength.loosenings(from: old, to: otherKind) == ["rule 'long' loosened"])
    }

    @Test func tighterComplianceSettingsAreNotLooser() {
        let old = Self.compliance()
        let tighter = Self.compliance {
            $0.rules[0].check = .minLength(min: 32)
            $0.rules[1].check = .maxAge(duration: Period("30d")!)
            $0.rules[1].appliesTo = nil
            $0.rules[2].check = .privateKey(algorithms: [.ec], minRSABits: 4096, curves: [.p384])
            $0.rules.append(ComplianceRule(name: "unique", check: .uniqueContent))
        }
        #expect(RuleStrength.loosenings(from: old, to: tighter).isEmpty)
        // Audit to deny is stricter.
        #expect(RuleStrength.loosenings(from: Self.compliance { $0.enforcement = .audit }, to: old).isEmpty)
    }

    @Test func theRecordedRulesRoundTripThroughTheStatusCodec() throws {
        let rules = ["main": VaultRules(approval: Self.approval(), compliance: Self.compliance())]
        let decoded = try StatusCoding.decode([String: VaultRules].self, from: try StatusCoding.encodeBytes(rules))
        #expect(decoded == rules)
    }
}
