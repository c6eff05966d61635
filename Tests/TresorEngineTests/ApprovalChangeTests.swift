import Foundation
import Testing
import TresorCore

@testable import TresorEngine

/// What a request records for its approvers besides its binding: the fields each target
/// gets added, removed and changed (names only), and `drift` when the change copies
/// content changed outside tresor.
@Suite struct ApprovalChangeTests {
    let base = ApprovalFixture.profiles(["main", "copy"], gated: ["main"]) + ApprovalFixture.review()

    static func keyValue(_ name: String, _ data: [(String, String)], external: Bool = false) -> String {
        let content = external ? "" : "\n  allowInlineValues: true\n  content:\n    data:\n" + data.map { "      \($0.0): \($0.1)\n" }.joined()
        return """
            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata: {name: \(name)}
            spec:
              type: keyValue
              vaultProfile: main
              syncVaultProfiles: [copy]\(content)
            ---

            """
    }

    @Test func anUpdateRequestNamesTheFieldsAddedRemovedAndChangedAtEachTarget() async throws {
        let harness = try EngineHarness(profiles: ["main", "copy"])
        defer { harness.cleanUp() }
        let values = (1...5).map { "kv-value-\($0)-" + UUID().uuidString }
        try await harness.applyApproved(base + Self.keyValue("kv", [("a", values[0]), ("b", values[1]), ("c", values[2])]), secrets: ["kv"])
        let v1 = try #require(try harness.status("kv")?.targets["main"])

        let edited = base + Self.keyValue("kv", [("a", values[0]), ("b", values[3]), ("d", values[4])])
        let plan = try await harness.plan(try EngineHarness.desired(edited))
        let text = PlanReport(plan).text()
        #expect(text.contains("main:kv (source)") && text.contains("fields: +d -c ~b"), "\(text)")
        #expect(text.contains("copy:kv (sync)") && text.components(separatedBy: "fields: +d -c ~b").count == 3, "\(text)")
        try await harness.apply(edited)

        let request = try #require(try harness.latestRequest("kv"))
        #expect(request.cause == nil && request.shownOperation == "update")
        let changes = try #require(request.changes)
        #expect(changes.map(\.target) == request.binding.targets && changes.map(\.target) == ["main:kv", "copy:kv"])
        for change in changes {
            // The copy was not read: it holds what the source held, whose content was.
            #expect(change.fields == FieldChanges(added: ["d"], removed: ["c"], changed: ["b"]), "\(change.target)")
            #expect(change.action == "update" && change.fromFingerprint == v1.fingerprint && change.fromVaultVersion != nil)
            #expect(change.toFingerprint == request.binding.fingerprint && change.toFingerprint != nil)
        }
        let recorded = try String(contentsOfFile: harness.store.root + "/approvals/kv.yaml", encoding: .utf8)
        for value in values { #expect(!recorded.contains(value), "a value in the approvals file") }
        for value in values { #expect(!text.contains(value) && !PlanReport(plan).json().contains(value), "a value in the plan") }
    }

    @Test func anExternalSourceChangedOutsideTresorAsksApprovalAsADriftNamingTheFieldsOfTheCopy() async throws {
        let harness = try EngineHarness(profiles: ["main", "copy"])
        defer { harness.cleanUp() }
        let yaml = base + Self.keyValue("legacy", [], external: true)
        let values = (1...3).map { "outside-\($0)-" + UUID().uuidString }
        try harness.locals["main"]!.writeUnmanaged(at: "legacy", content: ["a": SecretValue(values[0]), "b": SecretValue(values[1])])
        try await harness.applyApproved(yaml, secrets: ["legacy"])
        #expect(try await harness.content("copy", "legacy") == ["a": values[0], "b": values[1]])

        try harness.locals["main"]!.writeOutside(at: "legacy", content: ["a": SecretValue(values[2]), "c": SecretValue(values[1])])
        let held = try await harness.apply(yaml)
        #expect(held.heldForApproval.map(\.secret) == ["legacy"])
        #expect(try await harness.content("copy", "legacy") == ["a": values[0], "b": values[1]], "nothing copied before approval")
        let request = try #require(try harness.latestRequest("legacy"))
        #expect(request.cause == .drift && request.binding.operation == .update && request.shownOperation == "drift")
        #expect(try harness.status("legacy")?.approval?.operation == "drift")
        #expect(ApprovalTables.table([request]).contains(" drift "))
        let copy = try #require(request.changes?.first { $0.target == "copy:legacy" })
        #expect(copy.fields == FieldChanges(added: ["c"], removed: ["b"], changed: ["a"]))

        _ = try harness.decide("legacy", .approve, as: "alice")
        _ = try harness.decide("legacy", .approve, as: "bob")
        try await harness.apply(yaml)
        #expect(try await harness.content("copy", "legacy") == ["a": values[2], "c": values[1]])
    }

    @Test func fieldChangesNameEveryFieldOnceAndAGeneratedFieldAsAddedOrChanged() {
        let old = ["same": SecretValue("x"), "gone": SecretValue("y"), "edited": SecretValue("z"), "rotated": SecretValue("w")]
        var new = PlannedContent(
            values: ["same": SecretValue("x"), "edited": SecretValue("z2"), "fresh": SecretValue("v")], complete: true)
        new.generate = ["rotated": .password(PasswordGenerator()), "minted": .password(PasswordGenerator())]
        let changes = FieldChanges(from: old, to: new)
        #expect(changes == FieldChanges(added: ["fresh", "minted"], removed: ["gone"], changed: ["edited", "rotated"]))
        #expect(changes.summary == "+fresh +minted -gone ~edited ~rotated")
        #expect(FieldChanges.between(nil, new) == nil, "what the target held was not read")
        new.complete = false
        #expect(FieldChanges.between(old, new) == nil, "the content to write was not read")
    }

    static func request() throws -> ApprovalRequest {
        let profile = try #require(try EngineHarness.desired(ApprovalFixture.review()).approvalProfiles["review"])
        return ApprovalRequest(
            id: "s~0000abcd", secret: "s",
            binding: ApprovalBinding(operation: .update, sourceProfile: "main", targets: ["main:s"], generation: "g1", fingerprint: "hmac-sha256:aa"),
            requester: "dave", policy: ApprovalPolicy(profile), state: .pending, createdAt: Date(timeIntervalSince1970: 1_900_000_000),
            expiresAt: nil, fromFingerprint: "hmac-sha256:bb", decisions: [], closedAt: nil, closedReason: nil)
    }

    static func decided(_ request: ApprovalRequest, _ seal: ApprovalSeal) -> ApprovalRequest {
        var decision = ApprovalDecision(identity: "alice", verdict: .approve, comment: "ok", at: Date(timeIntervalSince1970: 1_900_000_100))
        decision.mac = seal.mac(decision, on: request)
        var decided = request
        decided.decisions = [decision]
        return decided
    }

    @Test func aDecisionsMACCoversTheChangesShownAndRequestsRecordedWithoutThemKeepTheirMAC() throws {
        let seal = ApprovalSeal(key: Array(repeating: 3, count: 32))
        // Made by the code before requests recorded their changes: an approvals file written
        // then must still verify.
        let older = Self.decided(try Self.request(), seal)
        #expect(older.decisions.first?.mac == "hmac-sha256:5288292b101f7ad19a9f45b15ce2051fb8f3f293454cb5aa03b43bdb5f58d2e9")
        #expect(seal.problem(with: older) == nil)

        var request = try Self.request()
        request.cause = .drift
        request.changes = [
            ApprovalTargetChange(
                target: "main:s", role: .source, action: "update", fromFingerprint: "hmac-sha256:bb", fromVaultVersion: "3",
                toFingerprint: "hmac-sha256:aa", fields: FieldChanges(added: ["d"], removed: ["c"], changed: ["b"]))
        ]
        let decided = Self.decided(request, seal)
        #expect(seal.problem(with: decided) == nil)
        #expect(decided.decisions.first?.mac != older.decisions.first?.mac)
        var edits: [(String, (inout ApprovalRequest) -> Void)] = [
            ("a field moved from removed to changed", { $0.changes?[0].fields = FieldChanges(added: ["d"], changed: ["b", "c"]) }),
            ("the vault version held", { $0.changes?[0].fromVaultVersion = "2" }),
            ("the cause dropped", { $0.cause = nil }),
            ("the changes dropped", { $0.changes = nil }),
        ]
        edits.append(("both dropped", { $0.cause = nil; $0.changes = nil }))
        for (what, edit) in edits {
            var edited = decided
            edit(&edited)
            #expect(seal.problem(with: edited)?.contains("does not match its MAC") == true, "\(what)")
        }
    }
}
