import Foundation
import Testing
import TresorCore
import TresorEngine
import TresorVaults
import TresorTestSupport

/// Whole reconcile passes between a real OpenBao dev server and a real moto server (with
/// signature checking on): OpenBao as the source and AWS as the sync target, and the
/// other way round. Each side is checked with its own outside client (`bao`, boto3).
@Suite(
    "Engine between OpenBao and AWS", .enabled(if: OpenBaoDevServer.enabled && MotoServer.enabled), .openBaoDevServer, .motoServer)
struct AWSEngineTests {
    static let http = CurlHTTPClient(configuration: .init(retry: .none))

    typealias Setup = BaoMotoFixture

    func setup() throws -> Setup { try BaoMotoFixture(name: "engine") }

    func profiles(_ setup: Setup) -> String { setup.profiles() }

    func secret(_ name: String, source: String, sync: String, password: String) -> String {
        TestManifests.inlinePassword(name, profile: source, password: password, "syncVaultProfiles: [\(sync)]", "deletionPolicy: Delete")
    }

    func apply(_ yaml: String, _ setup: Setup) async throws -> Engine.Report {
        try await EnginePass.apply(
            yaml, state: setup.state, store: setup.store, environment: setup.environment, http: Self.http,
            options: Engine.Options(actor: "aws-test"))
    }

    func inBao(_ setup: Setup, _ name: String) async throws -> (data: [String: String]?, version: Int?) {
        try await setup.inBao(name)
    }

    func inAWS(_ setup: Setup, _ name: String) async throws -> (string: String?, versions: Int?) {
        let outside = try await setup.inAWS(name)
        return (outside["string"] as? String, outside["versions"] as? Int)
    }

    /// Either vault as the source: the first pass writes both sides, the second nothing,
    /// and a change makes one version on each.
    @Test(arguments: zip(["bao", "aws"], ["aws", "bao"]))
    func aSourceSyncsToTheOtherVaultAndAChangeMakesOneVersionOnEachSide(source: String, sync: String) async throws {
        let setup = try setup()
        defer { setup.cleanUp() }
        let password = "\(source)-to-\(sync)-"
        let manifests = profiles(setup) + secret("db", source: source, sync: sync, password: password + "1")
        let first = try await apply(manifests, setup)
        #expect(first.failures == 0, "\(first.failedSecrets.map { $0.error ?? "\($0.targets)" })")
        #expect(first.writes == 2)
        #expect(try await inBao(setup, "db").data == ["username": "app", "password": password + "1"])
        #expect(try await inAWS(setup, "db").string == #"{"password":"\#(password)1","username":"app"}"#)

        let again = try await apply(manifests, setup)
        #expect(again.failures == 0)
        #expect(again.writes == 0)

        let changed = try await apply(profiles(setup) + secret("db", source: source, sync: sync, password: password + "2"), setup)
        #expect(changed.failures == 0)
        #expect(changed.writes == 2)
        let bao = try await inBao(setup, "db")
        #expect(bao.version == 2)
        #expect(bao.data?["password"] == password + "2")
        let aws = try await inAWS(setup, "db")
        #expect(aws.versions == 2)
        #expect(aws.string == #"{"password":"\#(password)2","username":"app"}"#)
        let status = try #require(try setup.store.readStatus("db"))
        #expect(status.versions.map(\.number) == [1, 2])
        #expect(status.versions.last?.vaultVersion == status.targets[source]?.vaultVersion)
        let audit = String(decoding: try AtomicFile.read(setup.store.auditPath) ?? [], as: UTF8.self)
        #expect(!audit.contains(password + "1") && !audit.contains(password + "2"))
    }

    @Test func removedThenRedeclaredSecretIsRestoredInAWS() async throws {
        let setup = try setup()
        defer { setup.cleanUp() }
        let declared = profiles(setup) + secret("gone", source: "aws", sync: "bao", password: "redeclare-1")
        _ = try await apply(declared, setup)
        // Removed from the manifests with deletionPolicy: Delete: scheduled for deletion.
        let removed = try await apply(profiles(setup), setup)
        #expect(removed.failures == 0)
        #expect(try await AWSTesting.outside(setup.moto, "\(setup.prefix)/gone")["deleted"] as? Bool == true)
        // Declared again: restored and written, not failed.
        let back = try await apply(profiles(setup) + secret("gone", source: "aws", sync: "bao", password: "redeclare-2"), setup)
        #expect(back.failures == 0, "\(back.failedSecrets.map { $0.error ?? "\($0.targets)" })")
        let outside = try await AWSTesting.outside(setup.moto, "\(setup.prefix)/gone")
        #expect(outside["deleted"] as? Bool == false)
        #expect(outside["string"] as? String == #"{"password":"redeclare-2","username":"app"}"#)
        #expect(outside["versions"] as? Int == 2)
    }
}
