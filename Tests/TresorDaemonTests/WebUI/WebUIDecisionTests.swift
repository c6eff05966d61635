import Foundation
import Testing
import TresorCore
import TresorEngine
import TresorVaults
import TresorTestSupport

/// Deciding on the web page: the approval API's path, its checks and its audit events.
@Suite(.serialized) struct WebUIDecisionTests {
    static func decide(_ browser: UIClient, _ path: String, _ verdict: String, comment: String = "") async throws -> UIClient.Page {
        let page = try await browser.get(path)
        return try await browser.post(path + "/decision", ["csrf": page.csrf ?? "", "verdict": verdict, "comment": comment])
    }

    @Test func twoApprovalsOnThePageWriteTheSecretWithSealedDecisionsAndTheAPIsAuditEvents() async throws {
        try await UIScenario.run { scenario in
            let path = try scenario.requestPath("db")
            let alice = try await scenario.signedIn("alice"), bob = try await scenario.signedIn("bob")

            let list = try await alice.get("/ui/approvals")
            #expect(list.body.contains(">db</a>") && list.body.contains("0 / 2") && list.body.contains(">create</td>"))

            // Filters: by label (key or key=value) and by profile.
            #expect(try await alice.get("/ui/approvals?label=team%3Dpayments").body.contains(">db</a>"))
            #expect(try await alice.get("/ui/approvals?label=team%3Dplatform").body.contains("No open request matches"))
            #expect(try await alice.get("/ui/approvals?profile=open").body.contains("No open request matches"))
            let platform = try await alice.get("/ui/secrets?label=team%3Dplatform").body
            #expect(platform.contains(">cache</a>") && !platform.contains(">db</a>") && platform.contains("1 of 2 secrets"))
            let byProfile = try await alice.get("/ui/secrets?profile=main&label=team").body
            #expect(byProfile.contains(">db</a>") && !byProfile.contains(">cache</a>"))

            let first = try await Self.decide(alice, path, "approve", comment: "looks right")
            #expect(first.status == 303)
            let after = try await alice.get(path)
            #expect(after.body.contains("1 of 2") && after.body.contains("You approved this request already"))
            #expect(!after.body.contains("value=\"approve\""), "no second Approve button for alice")

            #expect(try await Self.decide(bob, path, "approve").status == 303)
            let vault = try LocalAdapter(directory: scenario.daemon.state + "/vaults/main", keyFile: scenario.daemon.state + "/local.key")
            try await eventually("the approved create in the vault") {
                try await vault.read(at: "db", version: nil)?.content["content"]?.reveal() == scenario.values[0]
            }
            try await eventually("db active at version 1 on its page") {
                let page = try await bob.get("/ui/secrets/db")
                return page.body.contains("state-active") && page.body.contains("<dt>Version</dt><dd>1</dd>")
            }

            // The table was loaded while db waited: it shows the rewritten status, not the old one.
            try await eventually("db active in the secrets table") {
                try await bob.get("/ui/secrets?q=db").body.contains(">db</a></td><td>apiKey</td><td><span class=\"state state-active\">")
            }
            let secretPage = try await bob.get("/ui/secrets/db").body
            #expect(secretPage.contains("<td>alice</td><td>approve</td><td>recorded</td>"), "the secret's recent events show the decision")

            // The decisions are the API's: sealed, and audited as `approve` by each identity.
            let request = try #require(try ApprovalStore(stateStore: StateStore(root: scenario.daemon.state)).request(id: try scenario.requestID("db")))
            #expect(request.decisions.map(\.identity) == ["alice", "bob"] && request.decisions.allSatisfy { $0.mac != nil })
            let audit = try String(contentsOfFile: scenario.daemon.state + "/audit.log", encoding: .utf8)
            let approvals = audit.split(separator: "\n").filter { $0.contains("\"operation\":\"approve\"") }
            #expect(approvals.count == 2)
            #expect(approvals.first?.contains("\"actor\":\"alice\"") == true && approvals.last?.contains("\"outcome\":\"approved\"") == true)
            let verified = try await runTresor(["audit", "verify", "--state-dir", scenario.daemon.state])
            #expect(verified.status == 0, "the audit chain holds: \(verified.output)")
        }
    }

    @Test func aRejectionOnThePageShowsRejected() async throws {
        try await UIScenario.run { scenario in
            let path = try scenario.requestPath("db")
            let carol = try await scenario.signedIn("carol")
            #expect(try await Self.decide(carol, path, "reject", comment: "wrong key").status == 303)
            let page = try await carol.get(path)
            #expect(page.body.contains("state-rejected") && page.body.contains("wrong key"))
            #expect(!page.body.contains("name=\"verdict\""), "a rejected request has no buttons")
            try await eventually("db rejected on its page") { try await carol.get("/ui/secrets/db").body.contains("state state-rejected") }
        }
    }

    @Test func nonApproversSelfApprovalAndStaleRequestsGetAMessageNotAButton() async throws {
        try await UIScenario.run(requester: "alice") { scenario in
            let path = try scenario.requestPath("db")
            let mallory = try await scenario.signedIn("mallory"), alice = try await scenario.signedIn("alice")

            let outsider = try await mallory.get(path)
            #expect(outsider.body.contains("are not an approver") && !outsider.body.contains("name=\"verdict\""))
            // mallory forges the POST the page would not offer: the API refuses it (403).
            let before = try scenario.decisionRecords()
            let forged = try await mallory.post(path + "/decision", ["csrf": outsider.csrf ?? "", "verdict": "approve"])
            #expect(forged.status == 403 && forged.body.contains("is not an approver"))
            #expect(try scenario.decisionRecords().approvals == before.approvals)

            let own = try await alice.get(path)
            #expect(own.body.contains("cannot approve it yourself") && !own.body.contains("value=\"approve\""))

            // A manifest change replaces the request: the old page says so and offers nothing.
            try scenario.daemon.write(
                try String(contentsOfFile: scenario.daemon.manifests + "/all.yaml", encoding: .utf8).replacingOccurrences(
                    of: "spec: {type: apiKey, vaultProfile: main,", with: "spec: {type: apiKey, vaultProfile: main, refreshInterval: 7m,"),
                to: "all.yaml")
            let oldID = try scenario.requestID("db")
            try await eventually("a new request for db") { try scenario.requestID("db") != oldID }
            let bob = try await scenario.signedIn("bob")
            let old = try await bob.get(path)
            #expect(old.body.contains("This request is stale") && !old.body.contains("name=\"verdict\""))
        }
    }
}
