import Foundation
import Testing
import TresorCore
import TresorEngine
import TresorVaults
import TresorTestSupport

/// Sealed values against a real OpenBao dev server: the login token and a password are
/// both sealed in the manifests and opened before the pass, as `tresor apply` does.
@Suite("Sealed token and content on a real OpenBao", .enabled(if: OpenBaoDevServer.enabled), .openBaoDevServer)
struct HashiCorpSealedTests {
    static let http = CurlHTTPClient(configuration: .init(retry: .none))
    static let password = "bao-sealed-password-q1"

    @Test func sealedTokenLogsInAndSealedPasswordIsWritten() async throws {
        let server = try OpenBaoDevServer.inScope()
        let privateKey = (0..<32).map { _ in UInt8.random(in: 0...255) }
        let publicKey = try SealingPublicKey(privateKey: privateKey)
        let token = try Sealer.seal(
            SecretValue(server.rootToken), to: publicKey, for: SealedBinding(kind: .vaultProfile, name: "bao", field: "auth.token")).text
        let password = try Sealer.seal(
            SecretValue(Self.password), to: publicKey, for: SealedBinding(kind: .secret, name: "db", field: "password")).text
        let prefix = "sealed-\(UUID().uuidString.prefix(8).lowercased())"
        let yaml =
            TestManifests.vaultProfile("bao", "hashicorp", ["address: \(server.address)", "pathPrefix: \(prefix)", "auth: {token: {sealed: \"\(token)\"}}"])
            + TestManifests.secret("db", profile: "bao", "content:", "  username: app", "  password: {sealed: \"\(password)\"}")
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-bao-sealed-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: state) }
        let loaded = ManifestLoader().load([ManifestFile(path: "m.yaml", bytes: Array(yaml.utf8))])
        #expect(loaded.isValid, "\(loaded.errors)")

        // Without the key the preflight names both values; with it everything opens.
        var unkeyed = SealedValues()
        #expect(throws: SealedValues.OpenError.self) { try unkeyed.openAll(in: loaded.state) }
        var sealed = SealedValues(keyring: try SealingKeyring(privateKeys: [privateKey]))
        try sealed.openAll(in: loaded.state)

        let store = try StateStore(root: state.path)
        let engine = Engine(
            store: store,
            registry: VaultRegistry(profiles: loaded.state.vaultProfiles, store: store, http: Self.http, environment: [:], sealed: sealed),
            fingerprinter: try store.fingerprinter(), resolver: ValueResolver(environment: [:], sealed: sealed),
            options: Engine.Options(actor: "bao-test"))
        let report = try await engine.apply(loaded.state, now: Date())
        #expect(report.failures == 0, "\(report.failedSecrets.map { $0.error ?? "" })")
        let read = try await server.cli(["kv", "get", "-format=json", "-mount=secret", "\(prefix)/db"])
        #expect((read.json["data"] as? [String: Any])?["data"] as? [String: String] == ["username": "app", "password": Self.password])
        let audit = String(decoding: try AtomicFile.read(store.auditPath) ?? [], as: UTF8.self)
        #expect(!audit.isEmpty && !audit.contains(Self.password) && !audit.contains(server.rootToken))
    }

    @Test func sealedCredentialNotOpenedBeforeTheRunIsAClearError() throws {
        let resolver = CredentialResolver(environment: [:], profile: "bao", sealed: SealedValues())
        #expect(throws: CredentialResolver.CredentialError.self) { try resolver.resolve(.sealed("tresor-sealed.v1.AAAA")) }
        do {
            _ = try resolver.resolve(.sealed("tresor-sealed.v1.AAAA"))
        } catch {
            #expect("\(error)".contains("pass its sealing key with --sealing-key FILE or TRESOR_SEALING_KEYS"))
        }
    }
}
