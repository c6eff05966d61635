import Foundation
import Testing
import TresorCore
import TresorEngine
import TresorVaults
import TresorTestSupport

/// Whole reconcile passes against a real OpenBao dev server: sync from one KV mount to
/// another, drift, and the ownership rules, checked with the server's own CLI.
@Suite("Engine on a real OpenBao", .enabled(if: OpenBaoDevServer.enabled), .openBaoDevServer)
struct HashiCorpEngineTests {
    var server: OpenBaoDevServer { get throws { try OpenBaoDevServer.inScope() } }

    typealias Setup = OpenBaoTwoMounts

    func setup() async throws -> Setup { try await OpenBaoTwoMounts(label: "engine") }

    func profiles(_ setup: Setup) -> String { setup.profiles() }

    func secret(_ name: String, password: String, adopt: Bool = false) -> String {
        """
        apiVersion: tresor.dev/v1alpha1
        kind: Secret
        metadata: {name: \(name)}
        spec:
          type: basicAuth
          vaultProfile: bao-secret
          syncVaultProfiles: [bao-copy]
          allowInlineValues: true
          adopt: \(adopt)
          content: {username: app, password: "\(password)"}
        ---

        """
    }

    func apply(_ yaml: String, _ setup: Setup) async throws -> Engine.Report {
        try await setup.apply(yaml, options: Engine.Options(actor: "bao-test"))
    }

    func outside(_ mount: String, _ path: String) async throws -> [String: String]? {
        try await server.kvData(mount: mount, path)
    }

    @Test func syncsFromOneMountToAnotherAndConvergesWithoutWrites() async throws {
        let setup = try await setup()
        defer { try? FileManager.default.removeItem(at: setup.state) }
        let manifests = profiles(setup) + secret("db", password: "bao-engine-pw-1") + secret("api", password: "bao-engine-pw-2")
        let first = try await apply(manifests, setup)
        #expect(first.failures == 0, "\(first.failedSecrets.map { $0.error ?? "\($0.targets)" })")
        #expect(first.writes == 4)
        for mount in ["secret", setup.copyMount] {
            #expect(try await outside(mount, "\(setup.prefix)/db") == ["username": "app", "password": "bao-engine-pw-1"])
        }
        let second = try await apply(manifests, setup)
        #expect(second.failures == 0)
        #expect(second.writes == 0)

        // One edited value: one new version on each side, visible to the outside client.
        let edited = profiles(setup) + secret("db", password: "bao-engine-pw-3") + secret("api", password: "bao-engine-pw-2")
        let third = try await apply(edited, setup)
        #expect(third.writes == 2)
        #expect(try await outside(setup.copyMount, "\(setup.prefix)/db")?["password"] == "bao-engine-pw-3")
        let status = try #require(try setup.store.readStatus("db"))
        #expect(status.versions.map(\.number) == [1, 2])
        #expect(status.targets["bao-copy"]?.vaultVersion == "2")
    }

    @Test func outsideWriteToTheSyncTargetIsDriftAndIsCorrected() async throws {
        let setup = try await setup()
        defer { try? FileManager.default.removeItem(at: setup.state) }
        let manifests = profiles(setup) + secret("db", password: "bao-drift-pw")
        _ = try await apply(manifests, setup)
        try await server.must(["kv", "put", "-mount=\(setup.copyMount)", "\(setup.prefix)/db", "username=app", "password=tampered"])
        let report = try await apply(manifests, setup)
        #expect(report.failures == 0)
        #expect(try await outside(setup.copyMount, "\(setup.prefix)/db")?["password"] == "bao-drift-pw")
        let audit = String(decoding: try AtomicFile.read(setup.store.auditPath) ?? [], as: UTF8.self)
        #expect(audit.contains("\"operation\":\"drift\""))
        #expect(!audit.contains("bao-drift-pw") && !audit.contains("tampered"))
    }

    @Test func unmarkedSecretIsRefusedWithoutAdoptAndTakenOverWithIt() async throws {
        let setup = try await setup()
        defer { try? FileManager.default.removeItem(at: setup.state) }
        try await server.must(["kv", "put", "-mount=secret", "\(setup.prefix)/theirs", "username=them", "password=theirs-pw"])
        let refused = try await apply(profiles(setup) + secret("theirs", password: "ours-pw"), setup)
        #expect(refused.failures == 1)
        #expect(refused.plans.first?.isBlocked == true)
        #expect(try await outside("secret", "\(setup.prefix)/theirs")?["password"] == "theirs-pw")

        let adopted = try await apply(profiles(setup) + secret("theirs", password: "ours-pw", adopt: true), setup)
        #expect(adopted.failures == 0)
        #expect(try await outside("secret", "\(setup.prefix)/theirs")?["password"] == "ours-pw")
        #expect(try await outside(setup.copyMount, "\(setup.prefix)/theirs")?["password"] == "ours-pw")
    }
}
