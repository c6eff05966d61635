import Foundation
import Testing
import TresorTestSupport

/// `apply` exits 3 while a change waits; `get approvals`, `approve` and `reject` work
/// from the state directory; `approvals token add` stores only the token's hash.
@Suite struct ApprovalCommandTests {
    let manifests = TestManifests.localProfile("main", "approvalProfile: review")
        + TestManifests.approvalProfile(required: 2, approvers: ["alice", "bob"]) + RuleChangeGateTests.inlineSecret

    @Test func applyWaitsWithExitThreeUntilTwoApproversApprove() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let alice = try await cli.tokenFile(for: "alice")
        let bob = try await cli.tokenFile(for: "bob")
        try cli.write(manifests.replacingOccurrences(of: "VALUE", with: "cli-approval-value-1"), to: "m/all.yaml")
        let plan = try await cli.run(["plan", "-f", "m", "--state-dir", "state"])
        #expect(plan.status == 2)
        #expect(plan.stdout.contains("create would wait for 2 approvals"))
        let waiting = try await cli.run(["apply", "-f", "m", "--state-dir", "state", "--as", "alice"])
        #expect(waiting.status == 3, "\(waiting.stdout)\(waiting.stderr)")
        #expect(waiting.stdout.contains("waiting for approval"))

        let listed = try await cli.run(["get", "approvals", "--state-dir", "state"])
        #expect(listed.stdout.contains("db~"))
        #expect(listed.stdout.contains("0/2"))
        let json = try await cli.run(["get", "approvals", "-o", "json", "--state-dir", "state"])
        let first = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]).first
        let staleID = try #require(first?["id"] as? String)

        let selfApproval = try await cli.run(["approve", "db", "--token-file", alice, "--state-dir", "state"])
        #expect(selfApproval.status == 1)
        #expect(selfApproval.stderr.contains("cannot approve"))

        // An edit supersedes the request; the old id is refused with the new one named.
        try cli.write(manifests.replacingOccurrences(of: "VALUE", with: "cli-approval-value-2"), to: "m/all.yaml")
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state", "--as", "alice"]).status == 3)
        let stale = try await cli.run(["approve", "db", "--request", staleID, "--token-file", bob, "--state-dir", "state"])
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("stale"))

        let once = try await cli.run(["approve", "db", "--token-file", bob, "--comment", "checked", "--state-dir", "state"])
        #expect(once.status == 0, "\(once.stderr)")
        #expect(once.stdout.contains("1 of 2"))
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state", "--as", "alice"]).status == 3)
        let described = try await cli.run(["describe", "secret", "db", "--state-dir", "state"])
        #expect(described.status == 0)

        // Loosening the profile is itself a change the profile in force gates: until both
        // approvers (with tokens, not --as) approve it, the strict rules stay.
        let permissive = manifests.replacingOccurrences(of: "VALUE", with: "cli-approval-value-2")
            .replacingOccurrences(
                of: "approvers: [alice, bob]}", with: "approvers: [alice, bob], allowSelfApproval: true, cliIdentity: declared}")
        try cli.write(permissive, to: "m/all.yaml")
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state", "--as", "carol"]).status == 3)
        #expect(try await cli.run(["approve", "db", "--as", "bob", "--state-dir", "state"]).status == 1)
        for approver in [alice, bob] {
            let ruleChange = try await cli.run(["approve", "vaultprofile:main", "--token-file", approver, "--state-dir", "state"])
            #expect(ruleChange.status == 0, "\(ruleChange.stderr)")
        }
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state", "--as", "alice"]).status == 3)
        #expect(try await cli.run(["approve", "db", "--as", "bob", "--state-dir", "state"]).status == 0)
        let second = try await cli.run(["approve", "db", "--as", "alice", "--state-dir", "state"])
        #expect(second.stdout.contains("approved"), "\(second.stderr)")
        let applied = try await cli.run(["apply", "-f", "m", "--state-dir", "state", "--as", "alice"])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        let read = try await cli.run(["read", "db", "--field", "content", "-f", "m", "--state-dir", "state"])
        #expect(read.stdout == "cli-approval-value-2\n")
        #expect(try await cli.run(["get", "approvals", "--state-dir", "state"]).stdout.contains("No approval requests are open"))
        for output in [plan.stdout, waiting.stdout, listed.stdout, json.stdout, applied.stdout] {
            #expect(!output.contains("cli-approval-value"))
        }
    }

    @Test func rejectLeavesANewSecretRejected() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.write(manifests.replacingOccurrences(of: "VALUE", with: "cli-reject-value"), to: "m/all.yaml")
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state", "--as", "carol"]).status == 3)
        let bob = try await cli.tokenFile(for: "bob")
        let rejected = try await cli.run(["reject", "db", "--token-file", bob, "--comment", "not now", "--state-dir", "state"])
        #expect(rejected.status == 0, "\(rejected.stderr)")
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state", "--as", "carol"]).status == 3)
        #expect(try await cli.run(["get", "secrets", "--state-dir", "state"]).stdout.contains("rejected"))
        let audit = try cli.stateText("audit.log")
        #expect(audit.contains("\"operation\":\"reject\"") && audit.contains("not now"))
    }

    @Test func anIdentityGivenWithAsAloneIsRefusedUnlessTheProfileSaysDeclared() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.write(manifests.replacingOccurrences(of: "VALUE", with: "cli-declared-value"), to: "m/all.yaml")
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state", "--as", "carol"]).status == 3)
        let declared = try await cli.run(["approve", "db", "--as", "alice", "--state-dir", "state"])
        #expect(declared.status == 1)
        #expect(declared.stderr.contains("needs a token") && declared.stderr.contains("cliIdentity: declared"))
        let audit = try cli.stateText("audit.log")
        #expect(!audit.contains("\"operation\":\"approve\""))
        // A token of someone else is not made good by --as.
        let bob = try await cli.tokenFile(for: "bob")
        let mismatch = try await cli.run(["approve", "db", "--token-file", bob, "--as", "alice", "--state-dir", "state"])
        #expect(mismatch.status == 1)
        #expect(mismatch.stderr.contains("not the identity of the token"))
    }

    @Test func identitiesAreCaseFoldedSoARequesterCannotApproveUnderAnotherSpelling() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let spelled = manifests.replacingOccurrences(of: "VALUE", with: "cli-case-value")
            .replacingOccurrences(of: "approvers: [alice, bob]}", with: "approvers: [alice@example.com, bob], cliIdentity: declared}")
        try cli.write(spelled, to: "m/all.yaml")
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state", "--as", "Alice@Example.com"]).status == 3)
        let selfApproval = try await cli.run(["approve", "db", "--as", " alice@example.com", "--state-dir", "state"])
        #expect(selfApproval.status == 1)
        #expect(selfApproval.stderr.contains("cannot approve"))
        let token = try await cli.tokenFile(for: "ALICE@example.com")
        let byToken = try await cli.run(["approve", "db", "--token-file", token, "--state-dir", "state"])
        #expect(byToken.status == 1)
        #expect(byToken.stderr.contains("cannot approve"))
    }

    @Test func tokenAddPrintsTheTokenOnceAndStoresItsHash() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let made = try await cli.run(["approvals", "token", "add", "--as", "alice", "--tokens-file", "tokens"])
        #expect(made.status == 0, "\(made.stderr)")
        let token = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("tresor_"))
        let file = try String(contentsOfFile: cli.path("tokens"), encoding: .utf8)
        #expect(file.hasPrefix("sha256:") && file.hasSuffix(" alice\n"))
        #expect(!file.contains(token))
        let attributes = try FileManager.default.attributesOfItem(atPath: cli.path("tokens"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try await cli.run(["approvals", "token", "add", "--as", "bob", "--tokens-file", "tokens"]).status == 0)
        #expect(try String(contentsOfFile: cli.path("tokens"), encoding: .utf8).split(separator: "\n").count == 2)
    }
}
