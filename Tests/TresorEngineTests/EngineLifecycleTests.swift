import Foundation
import Testing
import TresorCore
import TresorTestSupport

@testable import TresorEngine

private func secret(
    _ name: String, source: String = "main", sync: [String] = [], policy: String = "Retain", content: String,
    type: String = "apiKey", extra: String = ""
) -> String {
    TestManifests.document(
        "Secret", name,
        spec: [
            "type: \(type)", "vaultProfile: \(source)", "syncVaultProfiles: [\(sync.joined(separator: ", "))]", "deletionPolicy: \(policy)",
            "allowInlineValues: true",
        ] + TestManifests.specLines(extra) + ["content:"] + TestManifests.specLines(content))
}

@Suite struct EngineLifecycleTests {
    @Test func pruneDeletesEverywhereUnderDeleteAndOnlyForgetsUnderRetain() async throws {
        let harness = try EngineHarness(profiles: ["main", "copy"])
        defer { harness.cleanUp() }
        let profiles = localProfiles(["main", "copy"])
        let keep = secret("keep", sync: ["copy"], content: "    content: keep-value")
        let gone = secret("gone", sync: ["copy"], policy: "Delete", content: "    content: gone-value")
        let kept = secret("kept", sync: ["copy"], content: "    content: kept-value")
        try await harness.apply(try EngineHarness.desired(profiles + keep + gone + kept))
        let report = try await harness.apply(try EngineHarness.desired(profiles + keep))
        #expect(report.failures == 0)
        #expect(try await harness.content("main", "gone") == nil)
        #expect(try await harness.content("copy", "gone") == nil)
        #expect(try await harness.content("main", "kept")?["content"] == "kept-value")
        #expect(try await harness.content("copy", "kept")?["content"] == "kept-value")
        // The history stays: deleted under Delete, released under Retain.
        #expect(try harness.status("gone")?.state == .deleted)
        #expect(try harness.status("kept")?.state == .released)
        #expect(try harness.status("gone")?.versions.count == 1)
        #expect(try harness.store.readInventory().secrets.keys.sorted() == ["keep"])
        #expect(try harness.auditLines().contains { $0.contains("\"operation\":\"delete\"") && $0.contains("\"secret\":\"gone\"") })
    }

    @Test func removingMostSecretsIsRefusedWithoutAllowMassDelete() async throws {
        let harness = try EngineHarness(profiles: ["main"])
        defer { harness.cleanUp() }
        let all = (0..<40).map { secret("s\($0)", policy: "Delete", content: "    content: value-\($0)") }
        try await harness.apply(try EngineHarness.desired(localProfiles(["main"]) + all.joined()))
        harness.resetCounts()
        let fewer = try EngineHarness.desired(localProfiles(["main"]) + all.prefix(10).joined())
        let refused = try await harness.apply(fewer)
        #expect(refused.refusal?.contains("30 of the 40") == true)
        #expect(harness.totalWrites == 0)
        #expect(try harness.store.readInventory().secrets.count == 40)
        #expect(try await harness.content("main", "s39") != nil)

        let allowed = try await harness.apply(fewer, allowMassDelete: true)
        #expect(allowed.refusal == nil)
        #expect(try await harness.content("main", "s39") == nil)
        #expect(try harness.store.readInventory().secrets.count == 10)
    }

    @Test func unmarkedSecretIsNeverOverwrittenWithoutAdopt() async throws {
        let harness = try EngineHarness(profiles: ["main"])
        defer { harness.cleanUp() }
        try harness.locals["main"]!.writeUnmanaged(at: "theirs", content: ["content": SecretValue("someone-elses-value")])
        let plain = try EngineHarness.desired(localProfiles(["main"]) + secret("theirs", content: "    content: our-value"))
        let blocked = try await harness.apply(plain)
        #expect(blocked.failures == 1)
        #expect(blocked.plans.first?.isBlocked == true)
        #expect(try await harness.content("main", "theirs")?["content"] == "someone-elses-value")
        #expect(try harness.status("theirs")?.state == .failed)
        #expect(try harness.status("theirs")?.condition(.ready)?.reason == .notOwned)

        let adopting = try EngineHarness.desired(
            localProfiles(["main"]) + secret("theirs", content: "    content: our-value", extra: "  adopt: true"))
        let adopted = try await harness.apply(adopting)
        #expect(adopted.failures == 0)
        #expect(adopted.plans.first?.targets.first?.action == .adopt)
        #expect(try await harness.content("main", "theirs")?["content"] == "our-value")
        #expect(try harness.status("theirs")?.state == .active)
    }

    @Test func generatedValuesAreMadeOnceAndRemadeOnlyOnParameterChangeOrRotation() async throws {
        let harness = try EngineHarness(profiles: ["main", "copy"])
        defer { harness.cleanUp() }
        func manifests(length: Int) throws -> DesiredState {
            try EngineHarness.desired(
                localProfiles(["main", "copy"])
                    + secret(
                        "db", sync: ["copy"], content: "    username: app\n    password: {generate: {length: \(length)}}",
                        type: "basicAuth", extra: "  rotation: {every: 30d}"))
        }
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        try await harness.apply(try manifests(length: 24), now: start)
        let first = try #require(try await harness.content("main", "db")?["password"])
        #expect(first.count == 24)
        #expect(try await harness.content("copy", "db")?["password"] == first)

        try await harness.apply(try manifests(length: 24), now: start.addingTimeInterval(86_400))
        #expect(try await harness.content("main", "db")?["password"] == first)
        #expect(try harness.status("db")?.versions.count == 1)

        try await harness.apply(try manifests(length: 40), now: start.addingTimeInterval(2 * 86_400))
        let second = try #require(try await harness.content("main", "db")?["password"])
        #expect(second.count == 40)
        #expect(try harness.status("db")?.versions.count == 2)

        try await harness.apply(try manifests(length: 40), now: start.addingTimeInterval(33 * 86_400))
        let rotated = try #require(try await harness.content("main", "db")?["password"])
        #expect(rotated != second)
        #expect(try await harness.content("copy", "db")?["password"] == rotated)
        #expect(try harness.status("db")?.versions.count == 3)
    }

    @Test func externalSecretIsReadVersionedAndSynced() async throws {
        let harness = try EngineHarness(profiles: ["main", "copy"])
        defer { harness.cleanUp() }
        let manifest = localProfiles(["main", "copy"]) + """
            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata: {name: legacy}
            spec: {type: keyValue, vaultProfile: main, syncVaultProfiles: [copy]}
            """
        let missing = try await harness.apply(try EngineHarness.desired(manifest))
        #expect(missing.failures == 1)
        #expect(try harness.status("legacy")?.condition(.ready)?.reason == .externalMissing)

        try harness.locals["main"]!.writeUnmanaged(at: "legacy", content: ["a": SecretValue("one")])
        let adopted = try await harness.apply(try EngineHarness.desired(manifest))
        #expect(adopted.failures == 0, "\(adopted.failedSecrets.map { $0.error ?? "" })")
        #expect(try await harness.content("copy", "legacy") == ["a": "one"])
        let afterAdopt = try #require(try harness.status("legacy")).versions.count

        try harness.locals["main"]!.writeOutside(at: "legacy", content: ["a": SecretValue("two")])
        try await harness.apply(try EngineHarness.desired(manifest))
        #expect(try await harness.content("copy", "legacy") == ["a": "two"])
        #expect(try harness.status("legacy")?.versions.count == afterAdopt + 1)
        #expect(try await harness.content("main", "legacy") == ["a": "two"])
        // Read only: the source keeps no mark and gets no write from tresor.
        #expect(try await harness.locals["main"]!.readMetadata(at: "legacy")?.mark == nil)
        #expect(harness.adapters["main"]!.writes == 0)
        harness.resetCounts()
        try await harness.apply(try EngineHarness.desired(manifest))
        #expect(harness.totalWrites == 0)
        #expect(harness.adapters["main"]!.contentReads == 0)
    }

    @Test func driftInASyncTargetIsCorrectedAndAudited() async throws {
        let harness = try EngineHarness(profiles: ["main", "copy"])
        defer { harness.cleanUp() }
        let desired = try EngineHarness.desired(localProfiles(["main", "copy"]) + secret("api", sync: ["copy"], content: "    content: right-value"))
        try await harness.apply(desired)
        try harness.locals["copy"]!.writeOutside(at: "api", content: ["content": SecretValue("tampered-value")])
        let plan = try await harness.plan(desired)
        #expect(plan.plans.first?.targets.contains { $0.profile == "copy" && $0.action == .update } == true)
        try await harness.apply(desired)
        #expect(try await harness.content("copy", "api")?["content"] == "right-value")
        #expect(try harness.auditLines().contains { $0.contains("\"operation\":\"drift\"") && $0.contains("\"vaultProfile\":\"copy\"") })
        #expect(try harness.status("api")?.versions.count == 1)
    }

    @Test func failedSyncTargetIsRecordedAndOnlyItIsRetried() async throws {
        let harness = try EngineHarness(profiles: ["main", "good", "bad"])
        defer { harness.cleanUp() }
        let desired = try EngineHarness.desired(
            localProfiles(["main", "good", "bad"]) + secret("api", sync: ["good", "bad"], content: "    content: value-one"))
        harness.adapters["bad"]!.setFailing(true)
        let first = try await harness.apply(desired)
        #expect(first.failures == 1)
        let status = try #require(try harness.status("api"))
        #expect(status.targets["bad"]?.lastError?.contains("unreachable") == true)
        #expect(status.targets["good"]?.lastError == nil)
        #expect(status.condition(.synced)?.status == .false)
        #expect(try await harness.content("good", "api")?["content"] == "value-one")

        harness.adapters["bad"]!.setFailing(false)
        harness.resetCounts()
        let second = try await harness.apply(desired)
        #expect(second.failures == 0)
        #expect(harness.adapters["main"]!.writes == 0)
        #expect(harness.adapters["good"]!.writes == 0)
        #expect(harness.adapters["bad"]!.writes == 1)
        #expect(try harness.status("api")?.condition(.synced)?.status == .true)
        #expect(try harness.status("api")?.versions.count == 1)
    }

    @Test func changingTheSourceMovesTheContentAndDeletesTheOldCopyUnderDelete() async throws {
        let harness = try EngineHarness(profiles: ["old", "new"])
        defer { harness.cleanUp() }
        let profiles = localProfiles(["old", "new"])
        try await harness.apply(try EngineHarness.desired(profiles + secret("api", source: "old", policy: "Delete", content: "    content: moving-value")))
        let moved = try await harness.apply(
            try EngineHarness.desired(profiles + secret("api", source: "new", policy: "Delete", content: "    content: moving-value")))
        #expect(moved.failures == 0)
        #expect(try await harness.content("new", "api")?["content"] == "moving-value")
        #expect(try await harness.content("old", "api") == nil)
        let status = try #require(try harness.status("api"))
        #expect(status.versions.map(\.vaultProfile) == ["old", "new"])
        #expect(status.targets.keys.sorted() == ["new"])
        #expect(try harness.store.readInventory().secrets["api"]?.targets == ["new": "api"])
    }

    @Test func disabledAndExpiredSecretsAreLeftAlone() async throws {
        let harness = try EngineHarness(profiles: ["main"])
        defer { harness.cleanUp() }
        let desired = try EngineHarness.desired(
            localProfiles(["main"]) + secret("off", content: "    content: off-value", extra: "  enabled: false")
                + secret("old", content: "    content: old-value", extra: "  expiresAt: \"2020-01-01T00:00:00Z\""))
        let report = try await harness.apply(desired)
        #expect(harness.totalWrites == 0)
        #expect(report.failures == 0)
        #expect(try harness.status("off")?.state == .disabled)
        #expect(try harness.status("old")?.state == .expired)
    }

    @Test func crashBetweenVaultWriteAndStatusWriteConvergesWithoutDuplicates() async throws {
        let harness = try EngineHarness(profiles: ["main"])
        defer { harness.cleanUp() }
        let desired = try EngineHarness.desired(localProfiles(["main"]) + secret("api", content: "    content: crash-value"))
        try await harness.apply(desired)
        let before = try #require(try harness.status("api"))
        // Simulate a run that wrote the vault and died before recording it.
        let edited = try EngineHarness.desired(localProfiles(["main"]) + secret("api", content: "    content: crash-value-2"))
        try await harness.apply(edited)
        try harness.store.writeStatus(before)
        try await harness.apply(edited)
        let after = try #require(try harness.status("api"))
        #expect(after.versions.map(\.number) == [1, 2])
        #expect(Set(after.versions.map(\.fingerprint)).count == 2)
        harness.resetCounts()
        try await harness.apply(edited)
        #expect(harness.totalWrites == 0)
    }

    @Test func disabledVaultProfilesAreLeftUntouched() async throws {
        let harness = try EngineHarness(profiles: ["main", "copy"])
        defer { harness.cleanUp() }
        let enabled = try EngineHarness.desired(localProfiles(["main", "copy"]) + secret("api", sync: ["copy"], content: "    content: first-value"))
        try await harness.apply(enabled)
        harness.resetCounts()
        let changed = try EngineHarness.desired(localProfiles(["main", "copy"]) + secret("api", sync: ["copy"], content: "    content: second-value"))
        let engine = Engine(
            store: harness.store, registry: VaultRegistry(adapters: harness.adapters, disabled: ["copy"]),
            fingerprinter: try harness.store.fingerprinter(), resolver: ValueResolver(environment: [:]), options: Engine.Options())
        let report = try await engine.apply(changed, now: Date())
        #expect(report.failures == 0)
        #expect(try await harness.content("main", "api")?["content"] == "second-value")
        #expect(try await harness.content("copy", "api")?["content"] == "first-value")
        #expect(harness.adapters["copy"]!.writes == 0)
        #expect(try harness.store.readInventory().secrets["api"]?.targets["copy"] == "api")

        let sourceOff = Engine(
            store: harness.store, registry: VaultRegistry(adapters: harness.adapters, disabled: ["main"]),
            fingerprinter: try harness.store.fingerprinter(), resolver: ValueResolver(environment: [:]), options: Engine.Options())
        harness.resetCounts()
        _ = try await sourceOff.apply(enabled, now: Date())
        #expect(harness.totalWrites == 0)
        #expect(try harness.status("api")?.state == .disabled)
    }
}
