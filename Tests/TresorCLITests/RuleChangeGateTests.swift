import Foundation
import Testing
import TresorTestSupport

/// A change that removes or loosens a vault profile's approval or compliance rules waits
/// for the approval profile in force before it, like a branch protection change; until
/// it is approved, the secrets keep the rules in force — even in the commit that removes
/// the gate together with a content change.
@Suite struct RuleChangeGateTests {
    static let profiles = """
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: main}
        spec: {provider: {local: {}}APPROVAL COMPLIANCE}
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: ApprovalProfile
        metadata: {name: review}
        spec: {requiredApprovals: REQUIRED, approvers: [alice, bob]}
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: ComplianceProfile
        metadata: {name: strict}
        spec:
          enforcement: ENFORCEMENT
          rules:
            - {name: long, minLength: {min: 24}}
        ---

        """ + inlineSecret

    /// `db`, its content inline: `VALUE`, to be replaced.
    static let inlineSecret = TestManifests.secret("db", type: "apiKey", "allowInlineValues: true", "content: {content: VALUE}")

    static func manifests(
        value: String, approval: Bool = true, compliance: Bool = false, required: Int = 1, enforcement: String = "deny"
    ) -> String {
        profiles.replacingOccurrences(of: "APPROVAL", with: approval ? ", approvalProfile: review" : "")
            .replacingOccurrences(of: " COMPLIANCE", with: compliance ? ", complianceProfile: strict" : "")
            .replacingOccurrences(of: "REQUIRED", with: "\(required)")
            .replacingOccurrences(of: "ENFORCEMENT", with: enforcement)
            .replacingOccurrences(of: "VALUE", with: value)
    }

    static let first = "rule-gate-value-one-long-enough"
    static let second = "rule-gate-value-two-long-enough"

    /// Applies `first` under the approval profile, approved by bob.
    func applied(_ cli: CLI, compliance: Bool = false) async throws -> String {
        let bob = try await cli.tokenFile(for: "bob")
        try cli.write(Self.manifests(value: Self.first, compliance: compliance), to: "m/all.yaml")
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state", "--as", "alice"]).status == 3)
        #expect(try await cli.run(["approve", "db", "--token-file", bob, "--state-dir", "state"]).status == 0)
        let done = try await cli.run(["apply", "-f", "m", "--state-dir", "state", "--as", "alice"])
        #expect(done.status == 0, "\(done.stdout)\(done.stderr)")
        return bob
    }

    func stored(_ cli: CLI) async throws -> String {
        try await cli.run(["read", "db", "--field", "content", "-f", "m", "--state-dir", "state"]).stdout
    }

    @Test func removingTheApprovalProfileWithAnUpdateStillWaitsForTheApproversInForce() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let bob = try await applied(cli)
        let alice = try await cli.tokenFile(for: "alice")

        try cli.write(Self.manifests(value: Self.second, approval: false), to: "m/all.yaml")
        let plan = try await cli.run(["plan", "-f", "m", "--state-dir", "state"])
        #expect(plan.status == 2, "\(plan.stdout)\(plan.stderr)")
        #expect(plan.stdout.contains("VaultProfile main") && plan.stdout.contains("approval profile 'review' removed"))
        let held = try await cli.run(["apply", "-f", "m", "--state-dir", "state", "--as", "alice"])
        #expect(held.status == 3, "\(held.stdout)\(held.stderr)")
        #expect(held.stdout.contains("rule change held for approval"))
        #expect(held.stdout.contains("update waits for approval"))
        #expect(try await stored(cli) == Self.first + "\n")

        let listed = try await cli.run(["get", "approvals", "--state-dir", "state"])
        #expect(listed.stdout.contains("vaultprofile:main~") && listed.stdout.contains("ruleChange"))
        let own = try await cli.run(["approve", "vaultprofile:main", "--token-file", alice, "--state-dir", "state"])
        #expect(own.status == 1)
        #expect(own.stderr.contains("cannot approve"))
        let approved = try await cli.run(["approve", "vaultprofile:main", "--token-file", bob, "--state-dir", "state"])
        #expect(approved.status == 0, "\(approved.stderr)")

        let done = try await cli.run(["apply", "-f", "m", "--state-dir", "state", "--as", "alice"])
        #expect(done.status == 0, "\(done.stdout)\(done.stderr)")
        #expect(done.stdout.contains("approved looser rules take effect"))
        #expect(try await stored(cli) == Self.second + "\n")
        let audit = try cli.stateText("audit.log")
        #expect(audit.contains("\"operation\":\"approval-execute\"") && audit.contains("\"secret\":\"vaultprofile:main\""))
        #expect(try await cli.run(["audit", "verify", "--state-dir", "state"]).status == 0)
        for output in [plan.stdout, plan.stderr, held.stdout, held.stderr, listed.stdout, done.stdout, audit] {
            #expect(!output.contains("rule-gate-value"))
        }
    }

    @Test func loweringComplianceFromDenyToAuditKeepsDenyingUntilApproved() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let bob = try await applied(cli, compliance: true)

        try cli.write(Self.manifests(value: "short-one", compliance: true, enforcement: "audit"), to: "m/all.yaml")
        let held = try await cli.run(["apply", "-f", "m", "--state-dir", "state", "--as", "alice"])
        #expect(held.status == 3, "\(held.stdout)\(held.stderr)")
        #expect(held.stdout.contains("enforcement lowered from deny to audit"))
        #expect(held.stdout.contains("[held: "), "the deny in force holds the short value")
        #expect(try await stored(cli) == Self.first + "\n")

        #expect(try await cli.run(["approve", "vaultprofile:main", "--token-file", bob, "--state-dir", "state"]).status == 0)
        // Now only audited, the update still waits for the approval profile, which stays.
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state", "--as", "alice"]).status == 3)
        #expect(try await cli.run(["approve", "db", "--token-file", bob, "--state-dir", "state"]).status == 0)
        let done = try await cli.run(["apply", "-f", "m", "--state-dir", "state", "--as", "alice"])
        #expect(done.status == 0, "\(done.stdout)\(done.stderr)")
        #expect(try await stored(cli) == "short-one\n")
    }

    @Test func withoutAnApprovalProfileInForceLooserRulesTakeEffectAtOnceAndAreAudited() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.write(Self.manifests(value: Self.first, approval: false, compliance: true), to: "m/all.yaml")
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state"]).status == 0)
        try cli.write(Self.manifests(value: "short-two", approval: false, compliance: false), to: "m/all.yaml")
        let done = try await cli.run(["apply", "-f", "m", "--state-dir", "state"])
        #expect(done.status == 0, "\(done.stdout)\(done.stderr)")
        #expect(done.stdout.contains("without approval (no approval profile was in force)"))
        #expect(try await stored(cli) == "short-two\n")
        let audit = try cli.stateText("audit.log")
        #expect(audit.contains("compliance profile 'strict' removed"))
    }

    @Test func tighterRulesTakeEffectAtOnce() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try await applied(cli)
        try cli.write(Self.manifests(value: Self.second, required: 2), to: "m/all.yaml")
        let held = try await cli.run(["apply", "-f", "m", "--state-dir", "state", "--as", "alice"])
        #expect(held.status == 3, "\(held.stdout)\(held.stderr)")
        #expect(!held.stdout.contains("VaultProfile main"))
        #expect(held.stdout.contains("0 of 2 approvals"))
    }

    @Test(.directoryStoreOnly("edits rules.yaml by hand"))
    func aHandEditedRulesRecordIsRefusedAndChangesNothing() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try await applied(cli)
        let record = try String(contentsOfFile: cli.path("state/rules.yaml"), encoding: .utf8)
        #expect(record.contains("allowSelfApproval: false"))
        // Recorded as if self-approval had been in force, so that loosening it asks nobody.
        try cli.write(record.replacingOccurrences(of: "allowSelfApproval: false", with: "allowSelfApproval: true"), to: "state/rules.yaml")
        try cli.write(
            Self.manifests(value: Self.second).replacingOccurrences(of: "approvers: [alice, bob]", with: "approvers: [alice, bob], allowSelfApproval: true"),
            to: "m/all.yaml")
        for command in [["plan"], ["apply", "--as", "alice"]] {
            let refused = try await cli.run(command + ["-f", "m", "--state-dir", "state"])
            #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
            #expect(refused.stderr.contains("state/rules.yaml fail their integrity check"))
        }
        #expect(try await stored(cli) == Self.first + "\n")
    }
}
