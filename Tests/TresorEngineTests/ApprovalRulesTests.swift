import Foundation
import Testing
import TresorCore
import TresorTestSupport

@testable import TresorEngine

/// Who may decide, supersession, expiry and what a plan shows.
@Suite struct ApprovalRulesTests {
    let base = ApprovalFixture.profiles(["main"], gated: ["main"]) + ApprovalFixture.review()

    @Test func requesterCannotApproveUnlessSelfApprovalIsAllowed() async throws {
        let harness = try EngineHarness(profiles: ["main"])
        defer { harness.cleanUp() }
        try await harness.apply(base + ApprovalFixture.secret("db", value: "self-value"), as: "alice")
        #expect(try harness.latestRequest("db")?.requester == "alice")
        let refusal = try #require(throws: ApprovalRefusal.self) { try harness.decide("db", .approve, as: "alice") }
        #expect(refusal.kind == .forbidden)
        #expect(refusal.description.contains("allowSelfApproval"))
        #expect(try harness.latestRequest("db")?.decisions.isEmpty == true)
        let outsider = try #require(throws: ApprovalRefusal.self) { try harness.decide("db", .approve, as: "mallory") }
        #expect(outsider.kind == .forbidden)

        let permissive = ApprovalFixture.profiles(["main"], gated: ["main"]) + ApprovalFixture.review(required: 1, selfApproval: true)
        try await harness.apply(permissive + ApprovalFixture.secret("db", value: "self-value"), as: "alice")
        // The looser profile is a rule change the profile in force gates.
        #expect(throws: ApprovalRefusal.self) { try harness.decide("db", .approve, as: "alice") }
        _ = try harness.decide("vaultprofile:main", .approve, as: "bob")
        #expect(try harness.decide("vaultprofile:main", .approve, as: "carol").state == .approved)
        try await harness.apply(permissive + ApprovalFixture.secret("db", value: "self-value"), as: "alice")
        #expect(try harness.decide("db", .approve, as: "alice").state == .approved)
        try await harness.apply(permissive + ApprovalFixture.secret("db", value: "self-value"), as: "alice")
        #expect(try await harness.content("main", "db") == ["content": "self-value"])
    }

    @Test func annotationNamesTheRequesterWhenApplyIsNotGivenOne() async throws {
        let harness = try EngineHarness(profiles: ["main"])
        defer { harness.cleanUp() }
        let desired = try EngineHarness.desired(
            base + ApprovalFixture.secret("db", value: "v", annotations: "{tresor.dev/requested-by: bob}"))
        let engine = Engine(
            store: harness.store, registry: VaultRegistry(adapters: harness.adapters), fingerprinter: try harness.store.fingerprinter(),
            resolver: ValueResolver(environment: [:]), options: Engine.Options(actor: "gitops", requester: .gitops))
        _ = try await engine.apply(desired, now: Date())
        #expect(try harness.latestRequest("db")?.requester == "bob")
        _ = try await engine.apply(try EngineHarness.desired(base + ApprovalFixture.secret("other", value: "v")), now: Date())
        #expect(try harness.latestRequest("other")?.requester == "gitops")
    }

    @Test func editingWhilePendingSupersedesAndTheStaleIdChangesNothing() async throws {
        let harness = try EngineHarness(profiles: ["main"])
        defer { harness.cleanUp() }
        try await harness.apply(base + ApprovalFixture.secret("db", value: "first-edit"))
        let stale = try #require(try harness.latestRequest("db"))
        _ = try harness.decide("db", .approve, as: "alice", request: stale.id)
        _ = try harness.decide("db", .approve, as: "bob", request: stale.id)
        // Approved but not yet performed: an edit still replaces it.
        try await harness.apply(base + ApprovalFixture.secret("db", value: "second-edit"))
        #expect(try await harness.content("main", "db") == nil)
        let current = try #require(try harness.latestRequest("db"))
        #expect(current.id != stale.id)
        #expect(current.state == .pending)
        #expect(try harness.approvals.store.read("db").requests.first?.state == .superseded)
        #expect(try harness.auditLines().contains { $0.contains("\"operation\":\"approval-supersede\"") })

        let before = try AtomicFile.read(harness.approvals.store.path("db"))
        let refusal = try #require(throws: ApprovalRefusal.self) {
            try harness.decide("db", .approve, as: "carol", request: stale.id)
        }
        #expect(refusal.description.contains("stale"))
        #expect(refusal.description.contains(current.id))
        #expect(try AtomicFile.read(harness.approvals.store.path("db")) == before)
        try await harness.apply(base + ApprovalFixture.secret("db", value: "second-edit"))
        #expect(try await harness.content("main", "db") == nil)

        _ = try harness.decide("db", .approve, as: "alice", request: current.id)
        _ = try harness.decide("db", .approve, as: "carol")
        try await harness.apply(base + ApprovalFixture.secret("db", value: "second-edit"))
        #expect(try await harness.content("main", "db") == ["content": "second-edit"])
    }

    @Test func anApprovalNeverAppliesAChangedEnvironmentValue() async throws {
        var harness = try EngineHarness(profiles: ["main"])
        defer { harness.cleanUp() }
        harness.environment = ["DB_VALUE": "env-approved"]
        let yaml = base + TestManifests.secret("db", type: "apiKey", "content: {content: {fromEnv: DB_VALUE}}")
        try await harness.apply(yaml)
        _ = try harness.decide("db", .approve, as: "alice")
        _ = try harness.decide("db", .approve, as: "bob")
        harness.environment = ["DB_VALUE": "env-swapped"]
        let report = try await harness.apply(yaml)
        #expect(report.heldForApproval.count == 1)
        #expect(try await harness.content("main", "db") == nil)
        #expect(try harness.latestRequest("db")?.state == .pending)
    }

    @Test func generatedValuesAreBoundToTheirParametersAndMadeOnlyByTheApprovedWrite() async throws {
        let harness = try EngineHarness(profiles: ["main"])
        defer { harness.cleanUp() }
        let yaml = base + TestManifests.secret("db", "content: {username: app, password: {generate: {length: 24}}}")
        try await harness.apply(yaml)
        let request = try #require(try harness.latestRequest("db"))
        #expect(request.binding.generatedFields == ["password"])
        #expect(request.binding.fingerprint == nil)
        try await harness.apply(yaml)
        #expect(try harness.latestRequest("db")?.id == request.id)
        _ = try harness.decide("db", .approve, as: "alice")
        _ = try harness.decide("db", .approve, as: "bob")
        try await harness.apply(yaml)
        let content = try #require(try await harness.content("main", "db"))
        #expect(content["password"]?.count == 24)
        #expect(try harness.latestRequest("db")?.state == .executed)
    }

    /// A harness where the create of `db` in `main` waits for a review whose requests expire
    /// `after` (`1h`), requested at `start`; the manifests.
    static func waitingRequest(expiresAfter after: String, value: String) async throws -> (EngineHarness, yaml: String, start: Date) {
        let harness = try EngineHarness(profiles: ["main"])
        let yaml = ApprovalFixture.profiles(["main"], gated: ["main"]) + ApprovalFixture.review(expiresAfter: after) + ApprovalFixture.secret("db", value: value)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        do {
            try await harness.apply(yaml, now: start)
        } catch {
            harness.cleanUp()
            throw error
        }
        return (harness, yaml, start)
    }

    @Test func pendingRequestExpiresWithTheClockAndCountsAsRejected() async throws {
        let (harness, yaml, start) = try await Self.waitingRequest(expiresAfter: "1h", value: "expiring-value")
        defer { harness.cleanUp() }
        _ = try harness.decide("db", .approve, as: "alice", now: start.addingTimeInterval(1800))
        // Still in time after 59 minutes.
        try await harness.apply(yaml, now: start.addingTimeInterval(3540))
        #expect(try harness.latestRequest("db")?.state == .pending)

        let late = start.addingTimeInterval(3601)
        let refusal = try #require(throws: ApprovalRefusal.self) { try harness.decide("db", .approve, as: "bob", now: late) }
        #expect(refusal.description.contains("expired"))
        #expect(try harness.latestRequest("db")?.state == .expired)
        try await harness.apply(yaml, now: late)
        #expect(try await harness.content("main", "db") == nil)
        let status = try #require(try harness.status("db"))
        #expect(status.state == .rejected)
        #expect(status.condition(.approved)?.reason == .approvalExpired)
        #expect(try harness.auditLines().contains { $0.contains("\"operation\":\"approval-expire\"") })
    }

    @Test func engineExpiresARequestNobodyDecidedOn() async throws {
        let (harness, yaml, start) = try await Self.waitingRequest(expiresAfter: "2h", value: "never-decided")
        defer { harness.cleanUp() }
        let report = try await harness.apply(yaml, now: start.addingTimeInterval(7201))
        #expect(report.heldForApproval.first?.approval?.state == .refused)
        #expect(try harness.latestRequest("db")?.state == .expired)
        #expect(try harness.status("db")?.state == .rejected)
    }

    @Test func planShowsWhatWouldWaitAndRecordsNothing() async throws {
        let harness = try EngineHarness(profiles: ["main"])
        defer { harness.cleanUp() }
        let yaml = base + ApprovalFixture.secret("db", value: "plan-value") + ApprovalFixture.profiles(["free"], gated: [])
            + ApprovalFixture.secret("open", value: "plan-open", source: "free")
        let report = try await harness.plan(try EngineHarness.desired(yaml))
        let db = try #require(report.plans.first { $0.secret == "db" })
        #expect(db.approval?.state == .waiting)
        #expect(db.approval?.request == nil)
        #expect(report.plans.first { $0.secret == "open" }?.approval == nil)
        #expect(!FileManager.default.fileExists(atPath: harness.approvals.store.directory))
        let text = PlanReport(report).text()
        #expect(text.contains("approval  waiting: create would wait for 2 approvals"))
        #expect(text.contains("1 waiting for approval"))
        #expect(!text.contains("plan-value"))
        #expect(PlanReport(report).json().contains("\"approval\""))
    }
}
