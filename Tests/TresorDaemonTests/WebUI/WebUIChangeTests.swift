import Foundation
import Testing
import TresorCore
import TresorEngine
import TresorVaults
import TresorTestSupport

/// A request's page names what the change does at each target — fields added, removed and
/// changed, what the target held and its vault version — and shows a drift as a drift.
@Suite(.serialized) struct WebUIChangeTests {
    /// `app`: a keyValue secret in the gated `main`, copied to `open`, with inline values.
    static func app(_ data: [(String, String)]) -> String {
        """
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: Secret
        metadata: {name: app}
        spec:
          type: keyValue
          vaultProfile: main
          syncVaultProfiles: [open]
          allowInlineValues: true
          content:
            data:

        """ + data.map { "      \($0.0): \($0.1)\n" }.joined()
    }

    /// `legacy`: an external keyValue secret in the gated `main`, copied to `open`.
    static func legacy(refresh: String) -> String {
        """
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: Secret
        metadata: {name: legacy}
        spec: {type: keyValue, vaultProfile: main, syncVaultProfiles: [open], refreshInterval: \(refresh)}

        """
    }

    static func status(_ scenario: UIScenario, _ secret: String) throws -> SecretStatus? {
        try StateStore(root: scenario.daemon.state).readStatus(secret)
    }

    @Test func aRequestsPageNamesTheFieldsAddedRemovedAndChangedAtEachTargetAndNoValue() async throws {
        let values = (1...5).map { "ui-app-value-\($0)-" + UUID().uuidString }
        let first = Self.app([("host", values[0]), ("user", values[1]), ("token", values[2])])
        try await UIScenario.run(more: first) { scenario in
            let alice = try await scenario.signedIn("alice"), bob = try await scenario.signedIn("bob")
            try await eventually("app's create to wait for approval") { try Self.status(scenario, "app")?.state == .pendingApproval }
            let create = try scenario.requestPath("app")
            let created = try await alice.get(create).body
            // Nothing was there: every field is added, at the source and at the copy.
            #expect(created.components(separatedBy: "added: <code>host</code> <code>token</code> <code>user</code>").count == 3, "\(created)")
            #expect(try await WebUIDecisionTests.decide(alice, create, "approve").status == 303)
            #expect(try await WebUIDecisionTests.decide(bob, create, "approve").status == 303)
            try await eventually("app written") { try Self.status(scenario, "app")?.targets["open"]?.fingerprint != nil }
            let held = try #require(try Self.status(scenario, "app")?.targets["main"])

            let manifest = try String(contentsOfFile: scenario.daemon.manifests + "/all.yaml", encoding: .utf8)
            let second = Self.app([("host", values[0]), ("user", values[3]), ("extra", values[4])])
            try scenario.daemon.write(manifest.replacingOccurrences(of: first, with: second), to: "all.yaml")
            try await eventually("app's update to wait for approval") {
                try scenario.requestPath("app") != create && Self.status(scenario, "app")?.state == .pendingApproval
            }
            let list = try await alice.get("/ui/approvals").body
            #expect(list.contains(">app</a>") && list.contains("<td>update</td>"))
            let page = try await alice.get(try scenario.requestPath("app")).body
            #expect(page.contains("<h1>update of"))
            for line in ["added: <code>extra</code> ", "removed: <code>token</code> ", "changed: <code>user</code> "] {
                #expect(page.components(separatedBy: line).count == 3, "\(line) at main and at open")
            }
            #expect(!page.contains("<code>host</code>"), "an unchanged field is not listed")
            // What main held, and its vault version, when the request was made.
            let fingerprint = try #require(held.fingerprint)
            #expect(page.contains("title=\"\(fingerprint)\""))
            #expect(page.contains("<td>\(try #require(held.vaultVersion))</td>"))
            for value in values + scenario.values { #expect(!page.contains(value) && !list.contains(value), "a value on the page") }
        }
    }

    @Test func aDriftOfAnExternalSourceIsListedAndShownAsADrift() async throws {
        let values = (1...3).map { "ui-legacy-value-\($0)-" + UUID().uuidString }
        try await UIScenario.run { scenario in
            let alice = try await scenario.signedIn("alice")
            let vault = try LocalAdapter(directory: scenario.daemon.state + "/vaults/main", keyFile: scenario.daemon.state + "/local.key")
            try vault.writeUnmanaged(at: "legacy", content: ["a": SecretValue(values[0]), "b": SecretValue(values[1])])
            let manifest = try String(contentsOfFile: scenario.daemon.manifests + "/all.yaml", encoding: .utf8)
            try scenario.daemon.write(manifest + Self.legacy(refresh: "7m"), to: "all.yaml")
            try await eventually("legacy copied to open") { try Self.status(scenario, "legacy")?.targets["open"]?.fingerprint != nil }

            try vault.writeOutside(at: "legacy", content: ["a": SecretValue(values[2]), "c": SecretValue(values[1])])
            // A manifest change makes the daemon look again now (its own next look is minutes away).
            try scenario.daemon.write(manifest + Self.legacy(refresh: "8m"), to: "all.yaml")
            try await eventually("legacy's outside change to wait for approval") {
                try Self.status(scenario, "legacy")?.state == .pendingApproval
            }
            let list = try await alice.get("/ui/approvals").body
            #expect(list.contains(">legacy</a>") && list.contains("<td>drift</td>"), "\(list)")
            let page = try await alice.get(try scenario.requestPath("legacy")).body
            #expect(page.contains("<h1>drift of"))
            for line in ["added: <code>c</code> ", "removed: <code>b</code> ", "changed: <code>a</code> "] {
                #expect(page.contains(line), "\(line) at open")
            }
            let cli = try await runTresor(["get", "approvals", "--state-dir", scenario.daemon.state])
            #expect(cli.output.contains(" drift "), "\(cli.output)")
            for value in values + scenario.values {
                #expect(!page.contains(value) && !list.contains(value) && !cli.output.contains(value), "a value shown")
            }
        }
    }
}
