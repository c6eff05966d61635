import Foundation
import Testing
import TresorCore
import TresorEngine
import TresorVaults

/// Whole reconcile passes against a real OpenBao dev server: sync from one KV mount to
/// another, drift, and the ownership rules, checked with the server's own CLI.
@Suite("Engine on a real OpenBao", .enabled(if: OpenBaoDevServer.enabled), .openBaoDevServer)
struct HashiCorpEngineTests {
    static let http = CurlHTTPClient(configuration: .init(retry: .none))

    var server: OpenBaoDevServer {
        get throws {
            guard let server = OpenBaoDevServer.current else {
                throw OpenBaoDevServer.Failure(description: "no OpenBao dev server in scope")
            }
            return server
        }
    }

    struct Setup {
        let state: URL
        let store: StateStore
        let prefix: String
        /// A KV v2 mount of this test's own, the sync target.
        let copyMount: String
        let environment: [String: String]
    }

    func setup() async throws -> Setup {
        let server = try server
        let copyMount = "copy-\(UUID().uuidString.prefix(8).lowercased())"
        try await server.must(["secrets", "enable", "-path=\(copyMount)", "-version=2", "kv"])
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-bao-engine-\(UUID().uuidString)")
        return Setup(
            state: state, store: try StateStore(root: state.path), prefix: "engine-\(UUID().uuidString.prefix(8).lowercased())",
            copyMount: copyMount, environment: ["BAO_TEST_TOKEN": server.rootToken])
    }

    func profiles(_ setup: Setup) throws -> String {
        let address = try server.address
        return [("secret", "secret"), ("copy", setup.copyMount)].map { name, mount in
            """
            apiVersion: tresor.dev/v1alpha1
            kind: VaultProfile
            metadata: {name: bao-\(name)}
            spec:
              provider:
                hashicorp:
                  address: \(address)
                  mount: \(mount)
                  pathPrefix: \(setup.prefix)
                  auth: {token: {fromEnv: BAO_TEST_TOKEN}}
            ---

            """
        }.joined()
    }

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
        try await EnginePass.apply(
            yaml, state: setup.state, store: setup.store, environment: setup.environment, http: Self.http,
            options: Engine.Options(actor: "bao-test"))
    }

    func outside(_ mount: String, _ path: String) async throws -> [String: String]? {
        let result = try await server.cli(["kv", "get", "-format=json", "-mount=\(mount)", path])
        guard result.status == 0 else { return nil }
        return (result.json["data"] as? [String: Any])?["data"] as? [String: String]
    }

    @Test func syncsFromOneMountToAnotherAndConvergesWithoutWrites() async throws {
        let setup = try await setup()
        defer { try? FileManager.default.removeItem(at: setup.state) }
        let manifests = try profiles(setup) + secret("db", password: "bao-engine-pw-1") + secret("api", password: "bao-engine-pw-2")
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
        let edited = try profiles(setup) + secret("db", password: "bao-engine-pw-3") + secret("api", password: "bao-engine-pw-2")
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
        let manifests = try profiles(setup) + secret("db", password: "bao-drift-pw")
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
        let refused = try await apply(try profiles(setup) + secret("theirs", password: "ours-pw"), setup)
        #expect(refused.failures == 1)
        #expect(refused.plans.first?.isBlocked == true)
        #expect(try await outside("secret", "\(setup.prefix)/theirs")?["password"] == "theirs-pw")

        let adopted = try await apply(try profiles(setup) + secret("theirs", password: "ours-pw", adopt: true), setup)
        #expect(adopted.failures == 0)
        #expect(try await outside("secret", "\(setup.prefix)/theirs")?["password"] == "ours-pw")
        #expect(try await outside(setup.copyMount, "\(setup.prefix)/theirs")?["password"] == "ours-pw")
    }
}
