import Foundation
import Testing
import TresorCore

@testable import TresorEngine

/// Create, update, delete and change of source under an approval profile, end to end on
/// the local vault: approved changes land exactly, refused ones leave the vaults alone.
@Suite struct ApprovalEngineTests {
    let base = ApprovalFixture.profiles(["main", "copy"], gated: ["main"]) + ApprovalFixture.review()

    @Test func createWaitsForTwoDistinctApprovalsThenWritesExactlyTheApprovedContent() async throws {
        let harness = try EngineHarness(profiles: ["main", "copy"])
        defer { harness.cleanUp() }
        let yaml = base + ApprovalFixture.secret("db", value: "approved-create-value", sync: ["copy"])

        let first = try await harness.apply(yaml)
        #expect(first.heldForApproval.map(\.secret) == ["db"])
        #expect(harness.totalWrites == 0)
        #expect(try await harness.content("main", "db") == nil)
        let pending = try #require(try harness.status("db"))
        #expect(pending.state == .pendingApproval)
        #expect(pending.condition(.approved)?.reason == .pending)
        let request = try #require(try harness.latestRequest("db"))
        #expect(pending.approval?.request == request.id)
        #expect(request.binding.operation == .create)
        #expect(request.requester == "dave")

        // One approval is not enough, and the same person twice counts once.
        #expect(try harness.decide("db", .approve, as: "alice").state == .pending)
        #expect(throws: ApprovalRefusal.self) { try harness.decide("db", .approve, as: "alice") }
        #expect(try harness.latestRequest("db")?.approvals == ["alice"])
        let waiting = try await harness.apply(yaml)
        #expect(waiting.heldForApproval.count == 1)
        #expect(try await harness.content("main", "db") == nil)
        #expect(try harness.approvals.store.read("db").requests.count == 1)

        #expect(try harness.decide("db", .approve, as: "bob").state == .approved)
        let done = try await harness.apply(yaml)
        #expect(done.heldForApproval.isEmpty)
        #expect(done.failures == 0)
        #expect(try await harness.content("main", "db") == ["content": "approved-create-value"])
        #expect(try await harness.content("copy", "db") == ["content": "approved-create-value"])
        let status = try #require(try harness.status("db"))
        #expect(status.state == .active)
        #expect(status.approval == nil)
        #expect(status.condition(.approved)?.reason == .approved)
        #expect(try harness.latestRequest("db")?.state == .executed)
        let audit = try harness.auditLines()
        for operation in ["approval-request", "approve", "approval-execute"] {
            #expect(audit.contains { $0.contains("\"operation\":\"\(operation)\"") }, "\(operation)")
        }
        #expect(!(try harness.stateText()).contains("approved-create-value"))
        #expect(!first.heldForApproval.description.contains("approved-create-value"))

        // Converged: no new request, no write.
        harness.resetCounts()
        let again = try await harness.apply(yaml)
        #expect(again.heldForApproval.isEmpty)
        #expect(harness.totalWrites == 0)
        #expect(try harness.approvals.store.read("db").requests.count == 1)
    }

    @Test func rejectedCreateLeavesTheSecretRejectedUntilTheManifestChanges() async throws {
        let harness = try EngineHarness(profiles: ["main", "copy"])
        defer { harness.cleanUp() }
        let yaml = base + ApprovalFixture.secret("db", value: "rejected-create-value")
        try await harness.apply(yaml)
        #expect(try harness.decide("db", .reject, as: "carol").state == .rejected)
        let refused = try await harness.apply(yaml)
        #expect(refused.heldForApproval.first?.approval?.state == .refused)
        #expect(try harness.status("db")?.state == .rejected)
        #expect(try harness.status("db")?.condition(.approved)?.reason == .rejected)
        #expect(try await harness.content("main", "db") == nil)
        try await harness.apply(yaml)
        #expect(try harness.approvals.store.read("db").requests.count == 1)
        #expect(try harness.auditLines().contains { $0.contains("\"operation\":\"reject\"") })

        // A new manifest asks again.
        try await harness.apply(base + ApprovalFixture.secret("db", value: "second-try-value"))
        #expect(try harness.latestRequest("db")?.state == .pending)
        #expect(try harness.status("db")?.state == .pendingApproval)
    }

    @Test func approvedUpdateWritesExactlyTheApprovedContentAndRejectedOneChangesNothing() async throws {
        let harness = try EngineHarness(profiles: ["main", "copy"])
        defer { harness.cleanUp() }
        try await harness.applyApproved(base + ApprovalFixture.secret("db", value: "value-one", sync: ["copy"]), secrets: ["db"])
        #expect(try await harness.content("copy", "db") == ["content": "value-one"])

        let two = base + ApprovalFixture.secret("db", value: "value-two", sync: ["copy"])
        harness.resetCounts()
        let held = try await harness.apply(two)
        #expect(held.heldForApproval.first?.approval?.operation == "update")
        #expect(harness.totalWrites == 0)
        #expect(try harness.status("db")?.state == .pendingApproval)
        #expect(try harness.status("db")?.versions.count == 1)
        _ = try harness.decide("db", .approve, as: "alice")
        _ = try harness.decide("db", .approve, as: "carol")
        try await harness.apply(two)
        #expect(try await harness.content("main", "db") == ["content": "value-two"])
        #expect(try await harness.content("copy", "db") == ["content": "value-two"])
        #expect(try harness.status("db")?.versions.map(\.number) == [1, 2])

        let three = base + ApprovalFixture.secret("db", value: "value-three", sync: ["copy"])
        try await harness.apply(three)
        _ = try harness.decide("db", .reject, as: "bob")
        harness.resetCounts()
        try await harness.apply(three)
        try await harness.apply(three)
        #expect(harness.totalWrites == 0)
        #expect(try await harness.content("main", "db") == ["content": "value-two"])
        #expect(try await harness.content("copy", "db") == ["content": "value-two"])
        let status = try #require(try harness.status("db"))
        // Rejected for an update too; the vaults keep version 2 and Ready says so.
        #expect(status.state == .rejected)
        #expect(status.condition(.ready)?.status == .true)
        #expect(status.condition(.ready)?.message.contains("holds version 2") == true)
        #expect(status.versions.map(\.number) == [1, 2])
        #expect(status.condition(.approved)?.reason == .rejected)
    }

    @Test func driftInTheSourceIsRestoredWithoutAskingAgain() async throws {
        let harness = try EngineHarness(profiles: ["main", "copy"])
        defer { harness.cleanUp() }
        let yaml = base + ApprovalFixture.secret("db", value: "drift-approved")
        try await harness.applyApproved(yaml, secrets: ["db"])
        try harness.locals["main"]!.writeOutside(at: "db", content: ["content": SecretValue("tampered")])
        let report = try await harness.apply(yaml)
        #expect(report.heldForApproval.isEmpty)
        #expect(try await harness.content("main", "db") == ["content": "drift-approved"])
    }

    @Test func approvedDeleteRemovesEveryCopyAndRejectedDeleteKeepsThem() async throws {
        let harness = try EngineHarness(profiles: ["main", "copy"])
        defer { harness.cleanUp() }
        let keep = ApprovalFixture.secret("keep", value: "keep-value")
        try await harness.applyApproved(
            base + keep + ApprovalFixture.secret("gone", value: "gone-value", sync: ["copy"], policy: "Delete"),
            secrets: ["gone", "keep"])
        #expect(try await harness.content("copy", "gone") == ["content": "gone-value"])

        let removed = base + keep
        harness.resetCounts()
        let held = try await harness.apply(removed)
        let plan = try #require(held.plans.first { $0.secret == "gone" })
        #expect(plan.approval?.operation == "delete" && plan.approval?.state == .waiting)
        #expect(harness.totalWrites == 0)
        #expect(try await harness.content("main", "gone") != nil)
        #expect(try harness.store.readInventory().secrets["gone"] != nil)
        #expect(try harness.status("gone")?.state == .pendingApproval)

        _ = try harness.decide("gone", .approve, as: "bob")
        _ = try harness.decide("gone", .approve, as: "carol")
        let done = try await harness.apply(removed)
        #expect(done.heldForApproval.isEmpty)
        #expect(try await harness.content("main", "gone") == nil)
        #expect(try await harness.content("copy", "gone") == nil)
        #expect(try harness.store.readInventory().secrets["gone"] == nil)
        #expect(try harness.status("gone")?.state == .deleted)
        #expect(try harness.latestRequest("gone")?.state == .executed)
    }

    @Test func rejectedDeleteKeepsTheCopiesAndTheRecord() async throws {
        let harness = try EngineHarness(profiles: ["main", "copy"])
        defer { harness.cleanUp() }
        try await harness.applyApproved(base + ApprovalFixture.secret("gone", value: "stay-value", sync: ["copy"], policy: "Delete"), secrets: ["gone"])
        try await harness.apply(base)
        _ = try harness.decide("gone", .reject, as: "alice")
        harness.resetCounts()
        let refused = try await harness.apply(base)
        #expect(refused.plans.first?.approval?.state == .refused)
        try await harness.apply(base)
        #expect(harness.totalWrites == 0)
        #expect(try await harness.content("main", "gone") == ["content": "stay-value"])
        #expect(try await harness.content("copy", "gone") == ["content": "stay-value"])
        #expect(try harness.store.readInventory().secrets["gone"] != nil)
        // Rejected means rejected, for a delete too; the copies stay.
        #expect(try harness.status("gone")?.state == .rejected)
        #expect(try harness.approvals.store.read("gone").requests.count == 2)
    }

    @Test func approvedChangeOfSourceMovesAndRejectedOneStays() async throws {
        let harness = try EngineHarness(profiles: ["main", "other"])
        defer { harness.cleanUp() }
        let profiles = ApprovalFixture.profiles(["main", "other"], gated: ["main", "other"]) + ApprovalFixture.review()
        try await harness.applyApproved(profiles + ApprovalFixture.secret("db", value: "moving-value"), secrets: ["db"])

        let moved = profiles + ApprovalFixture.secret("db", value: "moving-value", source: "other")
        harness.resetCounts()
        let held = try await harness.apply(moved)
        #expect(held.heldForApproval.first?.approval?.operation == "changeSource")
        #expect(harness.totalWrites == 0)
        #expect(try await harness.content("other", "db") == nil)
        #expect(try harness.status("db")?.sourceProfile == "main")

        _ = try harness.decide("db", .approve, as: "alice")
        _ = try harness.decide("db", .approve, as: "bob")
        try await harness.apply(moved)
        #expect(try await harness.content("other", "db") == ["content": "moving-value"])
        let status = try #require(try harness.status("db"))
        #expect(status.sourceProfile == "other")
        #expect(status.state == .active)

        // Moving back is refused: the source stays where it is.
        let back = profiles + ApprovalFixture.secret("db", value: "moving-value", source: "main")
        try await harness.apply(back)
        _ = try harness.decide("db", .reject, as: "carol")
        try await harness.apply(back)
        #expect(try harness.status("db")?.sourceProfile == "other")
        #expect(try harness.status("db")?.state == .rejected)
        #expect(try harness.status("db")?.condition(.ready)?.status == .true)
        #expect(try harness.store.readInventory().secrets["db"]?.targets.keys.sorted() == ["other"])
    }
}
