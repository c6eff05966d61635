import Foundation
import Testing
import TresorCore
import TresorEngine
import TresorVaults
import TresorTestSupport

/// Approved and refused create, update, delete and change of source on a real OpenBao
/// dev server, checked with the server's own CLI.
@Suite("Approvals on a real OpenBao", .enabled(if: OpenBaoDevServer.enabled), .openBaoDevServer)
struct HashiCorpApprovalTests {
    var server: OpenBaoDevServer { get throws { try OpenBaoDevServer.inScope() } }

    typealias Setup = OpenBaoTwoMounts

    func setup() async throws -> Setup { try await OpenBaoTwoMounts(label: "approvals") }

    /// Two profiles on two mounts, both governed by the `review` approval profile (one approval).
    func profiles(_ setup: Setup) -> String {
        setup.profiles(specLine: "approvalProfile: review") + """
            apiVersion: tresor.dev/v1alpha1
            kind: ApprovalProfile
            metadata: {name: review}
            spec: {requiredApprovals: 1, approvers: [alice, bob]}
            ---

            """
    }

    func secret(_ name: String, password: String, source: String = "bao-secret", policy: String = "Delete") -> String {
        TestManifests.inlinePassword(name, profile: source, password: password, "deletionPolicy: \(policy)")
    }

    @discardableResult
    func apply(_ yaml: String, _ setup: Setup) async throws -> Engine.Report {
        let report = try await setup.apply(yaml, options: Engine.Options(actor: "carol", requester: .identity("carol")))
        #expect(report.failures == 0, "\(report.failedSecrets.map { $0.error ?? "\($0.targets)" })")
        return report
    }

    func decide(_ setup: Setup, _ secret: String, _ verdict: ApprovalDecision.Verdict) throws {
        _ = try ApprovalService(stateStore: setup.store).decide(secret: secret, requestID: nil, verdict: verdict, identity: "alice", comment: nil, now: Date())
    }

    func password(_ mount: String, _ path: String) async throws -> String? {
        try await server.kvData(mount: mount, path)?["password"]
    }

    @Test func approvedCreateUpdateDeleteAndMoveReachOpenBaoExactly() async throws {
        let setup = try await setup()
        defer { try? FileManager.default.removeItem(at: setup.state) }
        let base = profiles(setup)
        let path = "\(setup.prefix)/db"

        let created = base + secret("db", password: "bao-approved-1")
        #expect(try await apply(created, setup).heldForApproval.count == 1)
        #expect(try await password("secret", path) == nil)
        try decide(setup, "db", .approve)
        #expect(try await apply(created, setup).heldForApproval.isEmpty)
        #expect(try await password("secret", path) == "bao-approved-1")

        let updated = base + secret("db", password: "bao-approved-2")
        try await apply(updated, setup)
        #expect(try await password("secret", path) == "bao-approved-1")
        try decide(setup, "db", .approve)
        try await apply(updated, setup)
        #expect(try await password("secret", path) == "bao-approved-2")

        let moved = base + secret("db", password: "bao-approved-2", source: "bao-copy")
        try await apply(moved, setup)
        #expect(try await password(setup.copyMount, path) == nil)
        try decide(setup, "db", .approve)
        try await apply(moved, setup)
        #expect(try await password(setup.copyMount, path) == "bao-approved-2")
        #expect(try setup.store.readStatus("db")?.sourceProfile == "bao-copy")

        try await apply(base, setup)
        #expect(try await password(setup.copyMount, path) == "bao-approved-2")
        try decide(setup, "db", .approve)
        try await apply(base, setup)
        #expect(try await password(setup.copyMount, path) == nil)
        #expect(try setup.store.readInventory().secrets["db"] == nil)
    }

    @Test func rejectedCreateUpdateDeleteAndMoveLeaveOpenBaoAlone() async throws {
        let setup = try await setup()
        defer { try? FileManager.default.removeItem(at: setup.state) }
        let base = profiles(setup)
        let path = "\(setup.prefix)/db"

        let refusedCreate = base + secret("never", password: "bao-never")
        try await apply(refusedCreate, setup)
        try decide(setup, "never", .reject)
        try await apply(refusedCreate, setup)
        #expect(try await password("secret", "\(setup.prefix)/never") == nil)
        #expect(try setup.store.readStatus("never")?.state == .rejected)

        let created = base + secret("db", password: "bao-kept")
        try await apply(created, setup)
        try decide(setup, "db", .approve)
        try await apply(created, setup)
        let metadataBefore = try await server.cli(["kv", "metadata", "get", "-format=json", "-mount=secret", path]).json

        try await apply(base + secret("db", password: "bao-refused-update"), setup)
        try decide(setup, "db", .reject)
        try await apply(base + secret("db", password: "bao-refused-update"), setup)
        #expect(try await password("secret", path) == "bao-kept")

        try await apply(base + secret("db", password: "bao-kept", source: "bao-copy"), setup)
        try decide(setup, "db", .reject)
        try await apply(base + secret("db", password: "bao-kept", source: "bao-copy"), setup)
        #expect(try await password(setup.copyMount, path) == nil)
        #expect(try setup.store.readStatus("db")?.sourceProfile == "bao-secret")

        try await apply(base, setup)
        try decide(setup, "db", .reject)
        try await apply(base, setup)
        #expect(try await password("secret", path) == "bao-kept")
        let metadataAfter = try await server.cli(["kv", "metadata", "get", "-format=json", "-mount=secret", path]).json
        let versionBefore = (metadataBefore["data"] as? [String: Any])?["current_version"] as? Int
        let versionAfter = (metadataAfter["data"] as? [String: Any])?["current_version"] as? Int
        #expect(versionBefore != nil && versionBefore == versionAfter)
        #expect(try setup.store.readInventory().secrets["db"] != nil)
    }
}
