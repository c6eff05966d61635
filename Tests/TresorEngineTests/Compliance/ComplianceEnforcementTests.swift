import Foundation
import Testing
import TresorCore
import TresorTestSupport

@testable import TresorEngine

/// deny and audit proven through the engine on the local vault.
@Suite struct ComplianceEnforcementTests {
    static let good = "Good-Password-0123456789-long"
    static let short = "Short-1a"

    static func manifests(enforcement: String, rules: [String] = ["{name: long, minLength: {min: 24}}"]) -> String {
        TestManifests.localProfile("main", "complianceProfile: baseline")
            + TestManifests.complianceProfile("baseline", enforcement: enforcement, rules: rules) + secret("db")
    }

    static func secret(_ name: String) -> String {
        TestManifests.secret(name, "content:", "  username: app", "  password: {fromEnv: DB_PASSWORD}")
    }

    func apply(_ harness: inout EngineHarness, password: String, enforcement: String) async throws -> Engine.Report {
        harness.environment["DB_PASSWORD"] = password
        return try await harness.apply(try EngineHarness.desired(Self.manifests(enforcement: enforcement)))
    }

    @Test func denyKeepsThePreviousVersionInTheVault() async throws {
        var harness = try EngineHarness(profiles: ["main"])
        defer { harness.cleanUp() }
        let first = try await apply(&harness, password: Self.good, enforcement: "deny")
        #expect(first.failures == 0 && !first.plans[0].isBlocked)
        #expect(try harness.status("db")?.compliance?.overall == .ok)

        let second = try await apply(&harness, password: Self.short, enforcement: "deny")
        #expect(second.failures == 0)
        #expect(second.plans[0].isBlocked)
        #expect(try await harness.content("main", "db")?["password"] == Self.good)
        let status = try #require(try harness.status("db"))
        #expect(status.versions.count == 1)
        #expect(status.state == .active)
        #expect(status.compliance?.overall == .nok)
        #expect(status.compliance?.rules.first?.result == .nok)
        #expect(status.condition(.compliant)?.status == .false)
        #expect(status.condition(.ready)?.reason == .nonCompliant)
        #expect(status.condition(.ready)?.message.contains("keeps version 1") == true)
        let text = try harness.stateText() + (second.plans[0].targets.map { "\($0.action)" }.joined())
        #expect(!text.contains(Self.short) && !text.contains(Self.good))

        // Fixed: written, and compliant again.
        let third = try await apply(&harness, password: Self.good + "-new", enforcement: "deny")
        #expect(!third.plans[0].isBlocked)
        #expect(try await harness.content("main", "db")?["password"] == Self.good + "-new")
        #expect(try harness.status("db")?.condition(.compliant)?.status == .true)
    }

    @Test func denyDoesNotCopyNonCompliantContentToANewSyncTarget() async throws {
        var harness = try EngineHarness(profiles: ["main", "copy"])
        defer { harness.cleanUp() }
        _ = try await apply(&harness, password: Self.short, enforcement: "audit")
        harness.resetCounts()
        let withCopy = localProfiles(["copy"])
            + Self.manifests(enforcement: "deny").replacingOccurrences(
                of: "  vaultProfile: main\n", with: "  vaultProfile: main\n  syncVaultProfiles: [copy]\n")
        let report = try await harness.apply(try EngineHarness.desired(withCopy))
        #expect(report.plans[0].isBlocked)
        #expect(harness.totalWrites == 0)
        #expect(try await harness.content("copy", "db") == nil)
        #expect(try harness.status("db")?.condition(.ready)?.message.contains("copy keeps what it holds") == true)
    }

    @Test func denyHoldsACreateSoNothingIsWritten() async throws {
        var harness = try EngineHarness(profiles: ["main"])
        defer { harness.cleanUp() }
        let report = try await apply(&harness, password: Self.short, enforcement: "deny")
        #expect(report.plans[0].isBlocked)
        #expect(harness.totalWrites == 0)
        #expect(try await harness.content("main", "db") == nil)
        let status = try #require(try harness.status("db"))
        #expect(status.state == .inactive)
        #expect(status.condition(.ready)?.message.contains("nothing was written") == true)
    }

    @Test func auditWritesAndRecords() async throws {
        var harness = try EngineHarness(profiles: ["main"])
        defer { harness.cleanUp() }
        _ = try await apply(&harness, password: Self.good, enforcement: "audit")
        let report = try await apply(&harness, password: Self.short, enforcement: "audit")
        #expect(!report.plans[0].isBlocked && report.failures == 0)
        #expect(try await harness.content("main", "db")?["password"] == Self.short)
        let status = try #require(try harness.status("db"))
        #expect(status.versions.count == 2)
        #expect(status.compliance?.overall == .nok)
        #expect(status.condition(.compliant)?.status == .false)
        #expect(status.condition(.ready)?.status == .true)
    }

    @Test func planShowsTheHeldWriteAsBlocked() async throws {
        var harness = try EngineHarness(profiles: ["main"])
        defer { harness.cleanUp() }
        harness.environment["DB_PASSWORD"] = Self.short
        let plan = try await harness.plan(try EngineHarness.desired(Self.manifests(enforcement: "deny")))
        #expect(plan.plans[0].isBlocked)
        #expect(harness.totalWrites == 0)
    }

    @Test func unchangedPassesKeepContentResultsWithoutReadingTheContent() async throws {
        var harness = try EngineHarness(profiles: ["main"])
        defer { harness.cleanUp() }
        _ = try await apply(&harness, password: Self.short, enforcement: "audit")
        let recorded = try #require(try harness.status("db")?.compliance)
        harness.resetCounts()
        _ = try await apply(&harness, password: Self.short, enforcement: "audit")
        #expect(harness.adapters["main"]?.contentReads == 0)
        let kept = try #require(try harness.status("db")?.compliance)
        #expect(kept.rules == recorded.rules)
        #expect(kept.overall == .nok)
    }

    @Test func noChangePassesLeaveTheStatusFileAlone() async throws {
        var harness = try EngineHarness(profiles: ["main"])
        defer { harness.cleanUp() }
        harness.environment["PARTNER_JWT"] = try ComplianceTestSupport.jwt(alg: "ES256", claims: ["exp": Date().timeIntervalSince1970 + 86_400])
        let desired = try EngineHarness.desired(Self.tokenManifests())
        _ = try await harness.apply(desired)
        let before = try #require(try AtomicFile.read(harness.store.statusPath("partner")))
        _ = try await harness.apply(desired, now: Date().addingTimeInterval(3 * 3600))
        #expect(try AtomicFile.read(harness.store.statusPath("partner")) == before)
    }

    @Test func changedRulesOnAnUnchangedSecretReadTheContentOnce() async throws {
        var harness = try EngineHarness(profiles: ["main"])
        defer { harness.cleanUp() }
        harness.environment["DB_PASSWORD"] = Self.good
        _ = try await harness.apply(try EngineHarness.desired(Self.manifests(enforcement: "audit")))
        harness.resetCounts()
        let stricter = Self.manifests(enforcement: "audit", rules: ["{name: long, minLength: {min: 40}}"])
        _ = try await harness.apply(try EngineHarness.desired(stricter))
        #expect(harness.adapters["main"]?.contentReads == 1)
        #expect(harness.totalWrites == 0)
        #expect(try harness.status("db")?.compliance?.overall == .nok)
    }

    @Test func uniqueContentSeesOtherSecretsFromTheNextPass() async throws {
        var harness = try EngineHarness(profiles: ["main"])
        defer { harness.cleanUp() }
        harness.environment["DB_PASSWORD"] = Self.good
        let twins = Self.manifests(enforcement: "audit", rules: ["{name: unique, uniqueContent: {}}"]) + Self.secret("db2")
        let desired = try EngineHarness.desired(twins)
        _ = try await harness.apply(desired)
        _ = try await harness.apply(desired)
        let status = try #require(try harness.status("db"))
        #expect(status.compliance?.overall == .nok)
        #expect(status.compliance?.rules.first?.message.contains("'db2'") == true)
    }

    @Test func statusRecordsWhereTheSecretIsDeclared() async throws {
        var harness = try EngineHarness(profiles: ["main"])
        defer { harness.cleanUp() }
        _ = try await apply(&harness, password: Self.good, enforcement: "audit")
        let origin = try #require(try harness.status("db")?.origin)
        #expect(origin.file == "/manifests/test.yaml")
        let lines = Self.manifests(enforcement: "audit").split(separator: "\n", omittingEmptySubsequences: false)
        #expect(origin.line == lines.firstIndex(of: "metadata: {name: db}").map { $0 + 1 })
    }

    static func tokenManifests() -> String {
        """
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: main}
        spec:
          provider: {local: {}}
          complianceProfile: tokens
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: ComplianceProfile
        metadata: {name: tokens}
        spec:
          rules:
            - {name: expiring, jwt: {requireExp: true}}
            - {name: rotated, maxAge: {duration: 90d}}
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: Secret
        metadata: {name: partner}
        spec:
          type: jwtToken
          vaultProfile: main
          content:
            content: {fromEnv: PARTNER_JWT}

        """
    }

    @Test func timeTurnsKeptResultsNokWithoutReadingTheContent() async throws {
        var harness = try EngineHarness(profiles: ["main"])
        defer { harness.cleanUp() }
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        harness.environment["PARTNER_JWT"] = try ComplianceTestSupport.jwt(
            alg: "ES256", claims: ["exp": start.timeIntervalSince1970 + 30 * 86_400])
        let desired = try EngineHarness.desired(Self.tokenManifests())
        _ = try await harness.engine().apply(desired, now: start)
        #expect(try harness.status("partner")?.compliance?.overall == .ok)
        harness.resetCounts()

        _ = try await harness.engine().apply(desired, now: start.addingTimeInterval(31 * 86_400))
        #expect(harness.adapters["main"]?.contentReads == 0)
        let expired = try #require(try harness.status("partner")?.compliance)
        #expect(expired.rules.map(\.result) == [.nok, .ok])
        #expect(expired.rules[0].message.contains("expired at"))

        _ = try await harness.engine().apply(desired, now: start.addingTimeInterval(91 * 86_400))
        let stale = try #require(try harness.status("partner")?.compliance)
        #expect(stale.rules.map(\.result) == [.nok, .nok])
        #expect(stale.rules[1].message.contains("older than the rule's 90d"))
        #expect(harness.totalWrites == 0)
    }

    @Test func aPassThatStopsBeforeTheContentRecordsNotChecked() async throws {
        let harness = try EngineHarness(profiles: ["main"])
        defer { harness.cleanUp() }
        let report = try await harness.apply(try EngineHarness.desired(Self.tokenManifests()))
        #expect(report.failures == 1)
        let status = try #require(try harness.status("partner"))
        #expect(status.compliance?.overall == .notChecked)
        #expect(status.condition(.compliant)?.status == .unknown)
    }
}
