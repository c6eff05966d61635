import Foundation
import Testing
import TresorTestSupport

/// Two machines (two state directories) on one etcd prefix of the suite's cluster: an
/// approval request opened on one is decided on the other, the rules in force recorded by
/// one hold a loosening on the other, and both read one audit chain.
extension StateStoreCommandTests {

    @Test func approvalsRulesAndTheAuditChainRecordedOnOneMachineAreTheOthers() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let etcd = ["--etcd-endpoints", cluster.endpoints, "--etcd-prefix", "/shared-" + UUID().uuidString.lowercased()]
        let first = ["--state-dir", "first"] + etcd
        let second = ["--state-dir", "second"] + etcd
        let manifests = manifests(cli, value: "shared-value-long-enough-for-the-rule")
        try cli.write(manifests, to: "m/all.yaml")

        let blocked = try await cli.run(["apply", "-f", "m", "--as", "alice"] + first)
        #expect(blocked.status == 3, "\(blocked.stdout)\(blocked.stderr)")
        let listed = try await cli.run(["get", "approvals"] + second)
        #expect(listed.status == 0 && listed.stdout.contains("gated"), "the request is not listed on the other machine: \(listed.stdout)")
        let approved = try await cli.run(["approve", "gated", "--as", "bob"] + second)
        #expect(approved.status == 0, "\(approved.stdout)\(approved.stderr)")
        let applied = try await cli.run(["apply", "-f", "m", "--as", "alice"] + first)
        #expect(applied.status == 0, "the decision made on the other machine was not seen: \(applied.stdout)\(applied.stderr)")

        // The rules in force recorded by the first machine: dropping the approval profile
        // is a loosening on the second one too.
        try cli.write(manifests.replacingOccurrences(of: "approvalProfile: review", with: ""), to: "m/all.yaml")
        let loosened = try await cli.run(["plan", "-f", "m"] + second)
        #expect(loosened.stdout.contains("approval profile 'review' removed"), "\(loosened.stdout)\(loosened.stderr)")

        let fromFirst = try await cli.run(["audit", "verify"] + first)
        let fromSecond = try await cli.run(["audit", "verify"] + second)
        #expect(fromFirst.status == 0 && fromSecond.status == 0, "\(fromFirst.stderr)\(fromSecond.stderr)")
        #expect(fromFirst.stdout == fromSecond.stdout, "two chains: \(fromFirst.stdout) / \(fromSecond.stdout)")
        let events = try await cli.run(["events"] + second)
        #expect(events.stdout.contains("approval-request") && events.stdout.contains("approval-execute"), "\(events.stdout)")

        for machine in ["first", "second"] {
            for file in ["approvals", "rules.yaml", "audit.log", "approvals.key"] {
                #expect(!FileManager.default.fileExists(atPath: cli.path(machine + "/" + file)), "\(machine)/\(file) kept on a machine")
            }
        }
        for output in [blocked, listed, approved, applied, loosened, events] {
            for value in ["shared-value-long-enough-for-the-rule", "store-gated-value-0Qm"] {
                #expect(!output.stdout.contains(value) && !output.stderr.contains(value), "a command printed a secret value")
            }
        }
    }
}
