import Foundation
import Testing
import TresorTestSupport

/// The same commands, with the same results, on the state directory and on the etcd
/// store (a real three-member cluster): plan, apply, get, describe, versions, approve,
/// compliance and audit verify.
@Suite(.etcdCluster, .enabled(if: EtcdCluster.enabled))
struct StateStoreCommandTests {
    enum Store: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case directory, etcd
        var testDescription: String { rawValue }
    }

    var cluster: EtcdCluster { EtcdCluster.current! }

    /// The state options of `store`; each test case gets a prefix of its own.
    func stateFlags(_ store: Store, prefix: String) -> [String] {
        switch store {
        case .directory: return ["--state-dir", "state"]
        case .etcd: return ["--state-dir", "state", "--etcd-endpoints", cluster.endpoints, "--etcd-prefix", prefix]
        }
    }

    func manifests(_ cli: CLI, value: String) -> String {
        """
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: main}
        spec: {provider: {local: {path: \(cli.path("vault")), keyFile: \(cli.path("vault.key"))}}, complianceProfile: baseline}
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: reviewed}
        spec: {provider: {local: {path: \(cli.path("reviewed")), keyFile: \(cli.path("reviewed.key"))}}, approvalProfile: review}
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: ComplianceProfile
        metadata: {name: baseline}
        spec: {enforcement: audit, rules: [{name: long, minLength: {min: 24}}]}
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: ApprovalProfile
        metadata: {name: review}
        spec: {requiredApprovals: 1, approvers: [bob], cliIdentity: declared}
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: Secret
        metadata: {name: api}
        spec:
          type: apiKey
          vaultProfile: main
          allowInlineValues: true
          content: {content: "\(value)"}
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: Secret
        metadata: {name: gated}
        spec:
          type: apiKey
          vaultProfile: reviewed
          allowInlineValues: true
          content: {content: "store-gated-value-0Qm"}

        """
    }

    @Test(arguments: Store.allCases)
    func theCommandsWorkAlikeOnEitherStore(_ store: Store) async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let state = stateFlags(store, prefix: "/cli-" + UUID().uuidString.lowercased())
        let values = ["store-value-one-short", "store-value-two-long-enough-for-the-rule"]
        try cli.write(manifests(cli, value: values[0]), to: "m/all.yaml")

        let plan = try await cli.run(["plan", "-f", "m"] + state)
        #expect(plan.status == 2, "\(plan.stdout)\(plan.stderr)")
        let blocked = try await cli.run(["apply", "-f", "m", "--as", "alice"] + state)
        #expect(blocked.status == 3, "\(blocked.stdout)\(blocked.stderr)")
        #expect(try await cli.run(["plan", "-f", "m"] + state).status == 2, "the gated secret still waits")

        let approvals = try await cli.run(["get", "approvals", "-o", "json"] + state)
        #expect(approvals.status == 0, "\(approvals.stderr)")
        let approved = try await cli.run(["approve", "gated", "--as", "bob"] + state)
        #expect(approved.status == 0, "\(approved.stdout)\(approved.stderr)")
        let applied = try await cli.run(["apply", "-f", "m", "--as", "alice"] + state)
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        let quiet = try await cli.run(["plan", "-f", "m"] + state)
        #expect(quiet.status == 0, "\(quiet.stdout)\(quiet.stderr)")

        let listed = try await cli.run(["get", "secrets", "-o", "json"] + state)
        let items = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]], "\(listed.stdout)")
        #expect(Set(items.compactMap { $0["name"] as? String }) == ["api", "gated"])
        let described = try await cli.run(["describe", "secret", "api"] + state)
        #expect(described.status == 0 && described.stdout.contains("active"), "\(described.stdout)\(described.stderr)")

        let compliance = try await cli.run(["compliance", "-o", "json"] + state)
        #expect(compliance.status == 1, "a nok secret exits 1: \(compliance.stderr)")
        #expect(compliance.stdout.contains("nok"), "the short value fails the baseline rule: \(compliance.stdout)")

        try cli.write(manifests(cli, value: values[1]), to: "m/all.yaml")
        #expect(try await cli.run(["apply", "-f", "m", "--as", "alice"] + state).status == 0)
        let versions = try await cli.run(["versions", "api", "-o", "json"] + state)
        let history = try #require(try JSONSerialization.jsonObject(with: Data(versions.stdout.utf8)) as? [[String: Any]], "\(versions.stdout)")
        #expect(history.compactMap { $0["number"] as? Int } == [1, 2])
        let verified = try await cli.run(["audit", "verify"] + state)
        #expect(verified.status == 0, "\(verified.stderr)")

        // Where the state went: etcd's prefix, or the directory; never both.
        for file in ["status/Secret/api.yaml", "approvals/gated.yaml", "rules.yaml", "audit.log", "approvals.key"] {
            let found = FileManager.default.fileExists(atPath: cli.path("state/" + file))
            #expect(found == (store == .directory), "\(file) \(found ? "is" : "is not") in the state directory on the \(store) store")
        }
        for output in [plan, blocked, approvals, approved, applied, listed, described, compliance, versions] {
            for value in values + ["store-gated-value-0Qm"] {
                #expect(!output.stdout.contains(value) && !output.stderr.contains(value), "a command printed a secret value")
            }
        }
    }

    @Test func stateMigrateCopiesADirectoryIntoEtcdAndBackAndNeverOverwrites() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let prefix = "/migrate-" + UUID().uuidString.lowercased()
        let etcd = ["--etcd-endpoints", cluster.endpoints, "--etcd-prefix", prefix]
        // The whole state: statuses, an approval request decided, rules in force, the audit chain.
        try cli.write(manifests(cli, value: "migrate-value-long-enough-for-rules-1"), to: "m/all.yaml")
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state", "--as", "alice"]).status == 3)
        #expect(try await cli.run(["approve", "gated", "--as", "bob", "--state-dir", "state"]).status == 0)
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state", "--as", "alice"]).status == 0)
        #expect(try await cli.run(["suspend", "api", "--reason", "migration drill", "--state-dir", "state"]).status == 0)
        let lines = try String(contentsOfFile: cli.path("state/audit.log"), encoding: .utf8).split(separator: "\n").count

        let into = try await cli.run(["state", "migrate", "--from-state-dir", "state"] + etcd)
        #expect(into.status == 0, "\(into.stderr)")
        #expect(
            into.stdout.contains(
                "copied 2 statuses, the inventory and the fingerprint key; 1 approval records, the rules in force, the approvals key "
                    + "and \(lines) audit lines"), "\(into.stdout)")
        let verified = try await cli.run(["audit", "verify", "--state-dir", "other"] + etcd)
        #expect(verified.status == 0 && verified.stdout.contains("\(lines) lines"), "\(verified.stdout)\(verified.stderr)")
        // The copy in etcd is the same state: nothing to do, the same history.
        let plan = try await cli.run(["plan", "-f", "m", "--state-dir", "other"] + etcd)
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        let described = try await cli.run(["describe", "secret", "api", "--state-dir", "other"] + etcd)
        #expect(described.stdout.contains("Suspended:") && described.stdout.contains("migration drill"), "\(described.stdout)")
        let again = try await cli.run(["state", "migrate", "--from-state-dir", "state"] + etcd)
        #expect(again.status == 1 && again.stderr.contains("never overwrites"), "\(again.stderr)")

        let back = try await cli.run(["state", "migrate", "--to-state-dir", "back"] + etcd)
        #expect(back.status == 0, "\(back.stderr)")
        for file in [
            "status/Secret/api.yaml", "status/Secret/gated.yaml", "inventory.yaml", "fingerprint.key", "approvals/gated.yaml", "rules.yaml",
            "approvals.key", "audit.log", "audit.log.head", "suspended.json",
        ] {
            let original = try Data(contentsOf: URL(fileURLWithPath: cli.path("state/" + file)))
            let copied = try Data(contentsOf: URL(fileURLWithPath: cli.path("back/" + file)))
            #expect(original == copied, "\(file) changed on the way through etcd")
        }
        let refused = try await cli.run(["state", "migrate", "--to-state-dir", "back"] + etcd)
        #expect(refused.status == 1 && refused.stderr.contains("never overwrites"), "\(refused.stderr)")
        #expect(try await cli.run(["plan", "-f", "m", "--state-dir", "back"]).status == 0)
        #expect(try await cli.run(["audit", "verify", "--state-dir", "back"]).status == 0)
    }
}
