import Foundation
import Testing
import TresorCore
import TresorEngine
import TresorVaults
import TresorTestSupport

/// Where several vaults meet, end to end between a real OpenBao dev server and a real moto
/// server: a move copies generated values, a gated or `deny` sync target keeps what it
/// holds until the change is allowed into it, and drift of a generated source value is on
/// view and waits for approval before it spreads. Each side is checked with its own
/// outside client (`bao kv get`, boto3), not through tresor.
@Suite(
    "Cross-vault semantics between OpenBao and AWS", .enabled(if: OpenBaoDevServer.enabled && MotoServer.enabled), .openBaoDevServer,
    .motoServer)
struct CrossVaultEngineTests {
    static let http = CurlHTTPClient(configuration: .init(retry: .none))

    typealias Setup = BaoMotoFixture

    func setup() throws -> Setup { try BaoMotoFixture(name: "cross") }

    /// The `bao` and `aws` profiles, the `review` approval profile and the `strict` deny profile.
    func profiles(_ setup: Setup, baoExtra: [String] = [], awsExtra: [String] = []) -> String {
        setup.profiles(awsDeletion: "{force: true}", baoExtra: baoExtra, awsExtra: awsExtra) + """
            apiVersion: tresor.dev/v1alpha1
            kind: ApprovalProfile
            metadata: {name: review}
            spec: {requiredApprovals: 2, approvers: [alice, bob, carol]}
            ---

            """ + TestManifests.complianceProfile("strict")
    }

    func generated(_ name: String, source: String, sync: [String]) -> String {
        TestManifests.generated(name, source: source, sync: sync, length: 32)
    }

    func engine(_ yaml: String, _ setup: Setup) throws -> (Engine, DesiredState) {
        let result = ManifestLoader().load([ManifestFile(path: setup.state.path + "/m.yaml", bytes: Array(yaml.utf8))])
        #expect(result.isValid, "\(result.errors)")
        let engine = Engine(
            store: setup.store,
            registry: VaultRegistry(
                profiles: result.state.vaultProfiles, store: setup.store, http: Self.http, environment: setup.environment),
            fingerprinter: try setup.store.fingerprinter(), resolver: ValueResolver(environment: setup.environment),
            options: Engine.Options(actor: "cross-test", requester: .identity("dave")))
        return (engine, result.state)
    }

    @discardableResult
    func apply(_ yaml: String, _ setup: Setup) async throws -> Engine.Report {
        let (engine, desired) = try engine(yaml, setup)
        return try await engine.apply(desired, now: Date())
    }

    func approve(_ setup: Setup, _ secret: String, by identities: [String]) throws {
        for identity in identities {
            _ = try ApprovalService(stateStore: setup.store).decide(
                secret: secret, requestID: nil, verdict: .approve, identity: identity, comment: nil, now: Date())
        }
    }

    /// The KV v2 data and version as `bao kv get` shows them; nil when OpenBao has no value.
    func inBao(_ setup: Setup, _ name: String) async throws -> (data: [String: String], version: Int)? {
        let read = try await setup.inBao(name)
        guard let data = read.data, let version = read.version else { return nil }
        return (data, version)
    }

    /// The secret's JSON fields as boto3 reads them; nil when Secrets Manager has no such secret.
    func inAWS(_ setup: Setup, _ name: String) async throws -> [String: String]? {
        let outside = try await setup.inAWS(name)
        guard try #require(outside["exists"] as? Bool) else { return nil }
        let string = try #require(outside["string"] as? String)
        return try #require(try JSONSerialization.jsonObject(with: Data(string.utf8)) as? [String: String])
    }

    @Test func movingTheSourceFromOpenBaoToAWSCopiesTheGeneratedPassword() async throws {
        let setup = try setup()
        defer { setup.cleanUp() }
        let first = try await apply(profiles(setup) + generated("db", source: "bao", sync: []), setup)
        #expect(first.failures == 0)
        let original = try #require(try await inBao(setup, "db"))
        #expect(try await inAWS(setup, "db") == nil)

        let moved = try await apply(profiles(setup) + generated("db", source: "aws", sync: ["bao"]), setup)
        #expect(moved.failures == 0)
        let copied = try await inAWS(setup, "db") == original.data
        #expect(copied, "AWS does not hold the values OpenBao held")
        let bao = try #require(try await inBao(setup, "db"))
        let kept = bao.data == original.data
        #expect(kept, "OpenBao's values changed")
        #expect(bao.version == original.version)
        let status = try #require(try setup.store.readStatus("db"))
        #expect(status.versions.map(\.vaultProfile) == ["bao", "aws"])
        #expect(Set(status.versions.map(\.fingerprint)).count == 1)
    }

    @Test func aSyncCopyIntoAGatedAWSProfileWaitsForApproval() async throws {
        let setup = try setup()
        defer { setup.cleanUp() }
        let yaml = profiles(setup, awsExtra: ["approvalProfile: review"]) + generated("db", source: "bao", sync: ["aws"])
        let held = try await apply(yaml, setup)
        #expect(held.heldForApproval.map(\.secret) == ["db"])
        let inBao = try #require(try await inBao(setup, "db"))
        #expect(try await inAWS(setup, "db") == nil)
        try approve(setup, "db", by: ["alice", "bob"])
        try await apply(yaml, setup)
        let synced = try await inAWS(setup, "db") == inBao.data
        #expect(synced, "AWS does not hold what OpenBao holds")
    }

    @Test func aDenyProfileOnAWSKeepsAShortKeyOutOfIt() async throws {
        let setup = try setup()
        defer { setup.cleanUp() }
        let yaml = profiles(setup, awsExtra: ["complianceProfile: strict"]) + """
            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata: {name: short}
            spec:
              type: apiKey
              vaultProfile: bao
              syncVaultProfiles: [aws]
              allowInlineValues: true
              content: {content: abcde}
            """
        let report = try await apply(yaml, setup)
        #expect(report.plans.first?.isBlocked == true)
        #expect(try await inBao(setup, "short")?.data == ["content": "abcde"])
        #expect(try await inAWS(setup, "short") == nil)
        #expect(try setup.store.readStatus("short")?.targets["aws"]?.compliance?.overall == .nok)
    }

    @Test func driftOfAGeneratedPasswordInAGatedOpenBaoSourceIsShownAndWaitsBeforeReachingAWS() async throws {
        let setup = try setup()
        defer { setup.cleanUp() }
        let yaml = profiles(setup, baoExtra: ["approvalProfile: review"]) + generated("db", source: "bao", sync: ["aws"])
        try await apply(yaml, setup)
        try approve(setup, "db", by: ["alice", "bob"])
        try await apply(yaml, setup)
        let synced = try #require(try await inAWS(setup, "db"))
        _ = try await setup.bao.must(["kv", "patch", "-mount=secret", "\(setup.prefix)/db", "password=hacked-outside-9f2"])

        let (engine, desired) = try engine(yaml, setup)
        let plan = try await engine.plan(desired, now: Date())
        #expect(plan.hasChanges)
        let text = PlanReport(plan).text()
        #expect(text.contains("! drift    bao:db (source)"))
        #expect(!text.contains("hacked-outside-9f2"))

        try await apply(yaml, setup)
        let held = try await inAWS(setup, "db") == synced
        #expect(held, "the drifted password reached AWS before approval")
        let status = try #require(try setup.store.readStatus("db"))
        #expect(status.state == .pendingApproval)
        #expect(status.condition(.drifted)?.status == .true)
        let patched = try await inBao(setup, "db")?.data["password"] == "hacked-outside-9f2"
        #expect(patched, "OpenBao does not hold the outside change")

        try approve(setup, "db", by: ["alice", "carol"])
        try await apply(yaml, setup)
        let propagated = try await inAWS(setup, "db")?["password"] == "hacked-outside-9f2"
        #expect(propagated, "the approved drift did not reach AWS")
    }
}
