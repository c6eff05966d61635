import Foundation
import Testing
import TresorCore

@testable import TresorVaults

/// The Kubernetes Secrets adapter against the contract fake of the API server; what it
/// stored is read back through the fake's core/v1 API.
@Suite("Kubernetes adapter on the Secrets contract fake")
struct KubernetesAdapterTests {
    @Test func aRotatedTokenFileIsReadAgainForTheNextRequest() async throws {
        try await withFixture(KubernetesFixture.start) { fixture in
            let directory = FileManager.default.temporaryDirectory.path + "/tresor-k8s-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try fixture.token.write(toFile: directory + "/token", atomically: true, encoding: .utf8)
            try "payments\n".write(toFile: directory + "/namespace", atomically: true, encoding: .utf8)
            let vault = try KubernetesAdapter(
                config: KubernetesProvider(server: fixture.fake.baseURL), profile: "k8s-test", http: ContractFake.http,
                credentials: { source in
                    guard case .fromFile(let path) = source else { throw ContractFake.Failure(description: "expected the token file") }
                    return try String(contentsOfFile: path, encoding: .utf8)
                }, environment: [:], serviceAccountDirectory: directory)
            #expect(try await vault.readMetadata(at: "db") == nil)
            // The kubelet rotates the projected token: the old one stops working.
            let rotated = fixture.token + "-rotated"
            _ = try await fixture.fake.json("POST", "/_fake/tokens", body: ["tokens": [rotated]])
            #expect(await ProviderScenarios.vaultError { _ = try await vault.readMetadata(at: "db") }?.kind == .permissionDenied)
            try rotated.write(toFile: directory + "/token", atomically: true, encoding: .utf8)
            #expect(try await vault.readMetadata(at: "db") == nil)
        }
    }

    @Test func basicAuthIsABasicAuthSecretAndATypeChangeReplacesTheSecret() async throws {
        try await withFixture(KubernetesFixture.start) { fixture in
            let vault = try fixture.kubernetes()
            let basic = ProviderScenarios.content(["username": "app", "password": "k8s-basic"])
            let created = try await vault.write(at: "db/main", content: basic, mark: ProviderScenarios.mark("db", .basicAuth, basic), expected: .absent)
            #expect(try await fixture.object("db/main")?["type"] as? String == "kubernetes.io/basic-auth")
            let opaque = ProviderScenarios.content(["region": "eu", "token": "k8s-kv"])
            let replaced = try await vault.write(
                at: "db/main", content: opaque, mark: ProviderScenarios.mark("db", .keyValue, opaque), expected: .version(created.vaultVersion))
            let object = try #require(try await fixture.object("db/main"))
            #expect(object["type"] as? String == "Opaque")
            #expect(try await fixture.outside("db/main")?.data == ["region": "eu", "token": "k8s-kv"])
            #expect(try await fixture.outside("db/main")?.current == replaced.vaultVersion)
        }
    }

    @Test func inClusterDefaultsComeFromTheServiceAccountDirectoryAndEnvironment() async throws {
        let directory = FileManager.default.temporaryDirectory.path + "/tresor-k8s-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "team-a\n".write(toFile: directory + "/namespace", atomically: true, encoding: .utf8)
        let vault = try KubernetesAdapter(
            config: KubernetesProvider(), profile: "k8s", http: ContractFake.http, credentials: { _ in "" },
            environment: ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "6443"], serviceAccountDirectory: directory)
        #expect(vault.server == "https://10.0.0.1:6443")
        #expect(vault.namespace == "team-a")
        #expect(vault.token == .fromFile(directory + "/token"))
        let outside = #expect(throws: VaultError.self) {
            try KubernetesAdapter(config: KubernetesProvider(), profile: "k8s", http: ContractFake.http, credentials: { _ in "" }, environment: [:], serviceAccountDirectory: directory)
        }
        #expect(outside?.message.contains("KUBERNETES_SERVICE_HOST") == true)
    }
}
