import Foundation
import TresorCore

@testable import TresorVaults

/// The Kubernetes Secrets contract fake, with one accepted service-account token.
struct KubernetesFixture: ProviderFixture {
    static let namespace = "payments"
    let fake: ContractFake
    let token: String

    static func start() async throws -> KubernetesFixture {
        let token = "k8s-sa-token-" + UUID().uuidString.prefix(12)
        return KubernetesFixture(fake: try await ContractFake.start("kubernetes_secrets_fake.py", ["--token", token]), token: token)
    }

    var providerYAML: String {
        "kubernetes: {server: \"\(fake.baseURL)\", namespace: \(Self.namespace), token: {fromEnv: K8S_TEST_TOKEN}}"
    }

    var environment: [String: String] { ["K8S_TEST_TOKEN": token] }

    func config(at baseURL: String, caFile: String? = nil) -> KubernetesProvider {
        KubernetesProvider(server: baseURL, namespace: Self.namespace, token: .fromEnv("K8S_TEST_TOKEN"), caFile: caFile)
    }

    func adapter() throws -> any VaultAdapter { try kubernetes() }

    func kubernetes(http: any HTTPClient = ContractFake.http, environment: [String: String]? = nil) throws -> KubernetesAdapter {
        try KubernetesAdapter(
            config: config(at: fake.baseURL), profile: "k8s-test", http: http, credentials: credentials(environment ?? self.environment),
            environment: [:])
    }

    func adapterWithWrongCredentials() throws -> any VaultAdapter {
        try kubernetes(environment: ["K8S_TEST_TOKEN": "wrong-credential-value"])
    }

    func adapter(at baseURL: String, caFile: String?) throws -> any VaultAdapter {
        try KubernetesAdapter(
            config: config(at: baseURL, caFile: caFile), profile: "k8s-test", http: ContractFake.http, credentials: credentials(environment),
            environment: [:])
    }

    func startTLS(_ pki: TestPKI) async throws -> ContractFake {
        try await ContractFake.start("kubernetes_secrets_fake.py", ["--token", token], tls: pki)
    }

    var readOperations: [String] { ["get"] }

    static func name(_ path: String) -> String { path.replacingOccurrences(of: "/", with: ".") }

    /// The Secret object at `path` as the API server returns it.
    func object(_ path: String) async throws -> [String: Any]? {
        let (status, body) = try await fake.json("GET", "/api/v1/namespaces/\(Self.namespace)/secrets/\(Self.name(path))", token: token)
        return status == 200 ? body as? [String: Any] : nil
    }

    func outside(_ path: String) async throws -> OutsideView? {
        guard let secret = try await object(path) else { return nil }
        let metadata = secret["metadata"] as? [String: Any] ?? [:]
        var data: [String: String] = [:]
        for (key, value) in secret["data"] as? [String: String] ?? [:] {
            data[key] = Data(base64Encoded: value).map { String(decoding: $0, as: UTF8.self) }
        }
        var mark: [String: String] = [:]
        if (metadata["labels"] as? [String: String])?["app.kubernetes.io/managed-by"] == "tresor" {
            for (key, value) in metadata["annotations"] as? [String: String] ?? [:] where key.hasPrefix("tresor.dev/") {
                mark[String(key.dropFirst(11))] = value
            }
        }
        return OutsideView(value: nil, data: data, mark: mark, versions: 1, current: metadata["resourceVersion"] as? String)
    }

    func tamper(_ path: String, field: String, value: String) async throws {
        guard var object = try await object(path) else { throw ContractFake.Failure(description: "nothing at \(path)") }
        var data = object["data"] as? [String: String] ?? [:]
        data[field] = Data(value.utf8).base64EncodedString()
        object["data"] = data
        let (status, _) = try await fake.json(
            "PUT", "/api/v1/namespaces/\(Self.namespace)/secrets/\(Self.name(path))", token: token, body: object)
        guard status == 200 else { throw ContractFake.Failure(description: "outside update failed: HTTP \(status)") }
    }

    func writeOutside(_ path: String, value: String) async throws {
        let body: [String: Any] = [
            "apiVersion": "v1", "kind": "Secret", "metadata": ["name": Self.name(path)], "type": "Opaque",
            "data": ["content": Data(value.utf8).base64EncodedString()],
        ]
        let (status, _) = try await fake.json("POST", "/api/v1/namespaces/\(Self.namespace)/secrets", token: token, body: body)
        guard status == 201 else { throw ContractFake.Failure(description: "outside create failed: HTTP \(status)") }
    }
}
