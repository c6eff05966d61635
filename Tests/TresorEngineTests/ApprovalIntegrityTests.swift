import Foundation
import Testing
import TresorCore

@testable import TresorEngine

/// A hand-edited approvals file is refused: decisions carry a MAC keyed with the state
/// directory's `approvals.key`, checked before a held action runs.
@Suite struct ApprovalIntegrityTests {
    let base = ApprovalFixture.profiles(["main"], gated: ["main"]) + ApprovalFixture.review()

    /// Edits the approvals file's text as a person with write access would.
    func handEdit(_ harness: EngineHarness, _ secret: String, _ change: (String) -> String) throws {
        let path = harness.approvals.store.path(secret)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let edited = change(text)
        #expect(edited != text, "the hand edit changed nothing")
        try edited.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func decisionsAddedByHandAreRefusedAndAudited() async throws {
        let harness = try EngineHarness(profiles: ["main"])
        defer { harness.cleanUp() }
        let one = base + ApprovalFixture.secret("db", value: "value-one")
        try await harness.apply(one)
        try handEdit(harness, "db") { text in
            text.replacingOccurrences(of: "state: pending", with: "state: approved")
                .replacingOccurrences(
                    of: "decisions: []",
                    with: """
                        decisions:
                              - at: "2026-01-01T00:00:00.000Z"
                                identity: alice
                                verdict: approve
                              - at: "2026-01-01T00:00:01.000Z"
                                identity: bob
                                verdict: approve
                        """)
        }
        let report = try await harness.apply(one)
        #expect(harness.totalWrites == 0)
        #expect(try await harness.content("main", "db") == nil)
        #expect(report.heldForApproval.map(\.secret) == ["db"])
        let audit = try harness.auditLines()
        #expect(audit.contains { $0.contains("\"operation\":\"approval-tamper\"") })
        #expect(!audit.contains { $0.contains("\"operation\":\"approve\"") })
        let status = try #require(try harness.status("db"))
        #expect(status.condition(.approved)?.message.contains("integrity check") == true)
        #expect(try harness.latestRequest("db")?.state == .pending)
    }

    @Test func aBindingRewrittenAfterTheApprovalIsRefused() async throws {
        let harness = try EngineHarness(profiles: ["main"])
        defer { harness.cleanUp() }
        try await harness.apply(base + ApprovalFixture.secret("db", value: "value-one"))
        _ = try harness.decide("db", .approve, as: "alice")
        _ = try harness.decide("db", .approve, as: "bob")
        try await harness.apply(base + ApprovalFixture.secret("db", value: "value-one"))
        #expect(try await harness.content("main", "db") == ["content": "value-one"])

        // An update is asked for and approved by one approver; the file is then edited so
        // that the request asks for another content, with a second approval added.
        let two = base + ApprovalFixture.secret("db", value: "value-two")
        try await harness.apply(two)
        _ = try harness.decide("db", .approve, as: "alice")
        let request = try #require(try harness.latestRequest("db"))
        var file = try harness.approvals.store.read("db")
        var forged = request
        forged.decisions.append(
            ApprovalDecision(identity: "bob", verdict: .approve, comment: nil, at: Date(), mac: request.decisions.first?.mac))
        forged.state = .approved
        file.requests[file.requests.count - 1] = forged
        try AtomicFile.write(Array(try StatusCoding.encode(file).utf8), to: harness.approvals.store.path("db"))

        try await harness.apply(two)
        #expect(try await harness.content("main", "db") == ["content": "value-one"])
        #expect(try harness.auditLines().contains { $0.contains("\"operation\":\"approval-tamper\"") })
        // Deciding on a tampered request is refused as well.
        try await harness.apply(two)
        #expect(try harness.latestRequest("db")?.id != request.id)
    }

    @Test func approvalsMadeThroughTresorPassTheCheck() async throws {
        let harness = try EngineHarness(profiles: ["main"])
        defer { harness.cleanUp() }
        let one = base + ApprovalFixture.secret("db", value: "value-one")
        try await harness.apply(one)
        let approved = try harness.decide("db", .approve, as: "alice")
        #expect(approved.decisions.allSatisfy { $0.mac?.hasPrefix("hmac-sha256:") == true })
        _ = try harness.decide("db", .approve, as: "carol")
        try await harness.apply(one)
        #expect(try await harness.content("main", "db") == ["content": "value-one"])
        #expect(try !harness.auditLines().contains { $0.contains("approval-tamper") })
    }
}
