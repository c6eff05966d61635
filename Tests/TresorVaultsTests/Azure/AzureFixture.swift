import Foundation
import TresorCore

@testable import TresorVaults

/// The Azure Key Vault contract fake, with a tenant, an application and its client secret.
struct AzureFixture: ProviderFixture {
    static let tenant = "6f1c2e2a-1111-4c4c-9e9e-000000000000"
    static let clientId = "tresor-test-app"
    let fake: ContractFake
    let clientSecret: String

    static func start() async throws -> AzureFixture {
        let secret = "azure-client-secret-" + UUID().uuidString.prefix(8)
        let fake = try await ContractFake.start("azure_keyvault_fake.py", Self.arguments(secret))
        return AzureFixture(fake: fake, clientSecret: secret)
    }

    static func arguments(_ secret: String) -> [String] {
        ["--tenant", tenant, "--client-id", clientId, "--client-secret", secret]
    }

    var providerYAML: String {
        "azure: {vaultUrl: \"\(fake.baseURL)\", tenantId: \(Self.tenant), authorityHost: \"\(fake.baseURL)\", clientId: {fromEnv: AZURE_TEST_CLIENT_ID}, clientSecret: {fromEnv: AZURE_TEST_CLIENT_SECRET}}"
    }

    var environment: [String: String] { ["AZURE_TEST_CLIENT_ID": Self.clientId, "AZURE_TEST_CLIENT_SECRET": clientSecret] }

    func config(at baseURL: String, caFile: String? = nil, purge: Bool = false) -> AzureProvider {
        AzureProvider(
            vaultUrl: baseURL, tenantId: Self.tenant, clientId: .fromEnv("AZURE_TEST_CLIENT_ID"),
            clientSecret: .fromEnv("AZURE_TEST_CLIENT_SECRET"), authorityHost: baseURL, tls: caFile.map { TLSConfig(caFile: $0) },
            purgeOnDelete: purge)
    }

    func adapter() throws -> any VaultAdapter { azure() }

    func azure(purge: Bool = false, http: any HTTPClient = ContractFake.http) -> AzureAdapter {
        AzureAdapter(
            config: config(at: fake.baseURL, purge: purge), profile: "azure-test", http: http, credentials: credentials(environment),
            recoveryWaits: [.milliseconds(50)])
    }

    func adapterWithWrongCredentials() throws -> any VaultAdapter {
        var wrong = environment
        wrong["AZURE_TEST_CLIENT_SECRET"] = "wrong-credential-value"
        return AzureAdapter(config: config(at: fake.baseURL), profile: "azure-test", http: ContractFake.http, credentials: credentials(wrong))
    }

    func adapter(at baseURL: String, caFile: String?) throws -> any VaultAdapter {
        AzureAdapter(config: config(at: baseURL, caFile: caFile), profile: "azure-test", http: ContractFake.http, credentials: credentials(environment))
    }

    func startTLS(_ pki: TestPKI) async throws -> ContractFake {
        try await ContractFake.start("azure_keyvault_fake.py", Self.arguments(clientSecret), tls: pki)
    }

    var readOperations: [String] { ["get"] }

    /// A token from the fake's token endpoint, as any client gets one.
    func token() async throws -> String {
        let form = "grant_type=client_credentials&client_id=\(Self.clientId)&client_secret=\(clientSecret)&scope=https%3A%2F%2Fvault.azure.net%2F.default"
        let response = try await fake.request(
            "POST", "/\(Self.tenant)/oauth2/v2.0/token", headers: [(name: "Content-Type", value: "application/x-www-form-urlencoded")],
            body: Array(form.utf8))
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        guard let token = object?["access_token"] as? String else { throw ContractFake.Failure(description: "no token: HTTP \(response.status)") }
        return token
    }

    static func name(_ path: String) -> String { path.replacingOccurrences(of: "/", with: "--") }

    func outside(_ path: String) async throws -> OutsideView? {
        let token = try await token()
        let name = Self.name(path)
        let (status, body) = try await fake.json("GET", "/secrets/\(name)?api-version=7.4", token: token)
        guard status == 200, let bundle = body as? [String: Any] else { return nil }
        let versions = try await fake.json("GET", "/secrets/\(name)/versions?api-version=7.4", token: token).body as? [String: Any]
        let tags = bundle["tags"] as? [String: String] ?? [:]
        var mark: [String: String] = [:]
        if tags["managed-by"] == "tresor" {
            for (key, value) in tags where key.hasPrefix("tresor-") { mark[String(key.dropFirst(7))] = value }
        }
        return OutsideView(
            value: bundle["value"] as? String, data: nil, mark: mark, versions: (versions?["value"] as? [Any])?.count ?? 0,
            current: (bundle["id"] as? String)?.split(separator: "/").last.map(String.init))
    }

    func writeOutside(_ path: String, value: String) async throws {
        let (status, _) = try await fake.json("PUT", "/secrets/\(Self.name(path))?api-version=7.4", token: try await token(), body: ["value": value])
        guard status == 200 else { throw ContractFake.Failure(description: "outside write failed: HTTP \(status)") }
    }

    func tamper(_ path: String, field: String, value: String) async throws {
        let token = try await token()
        let bundle = try await fake.json("GET", "/secrets/\(Self.name(path))?api-version=7.4", token: token).body as? [String: Any] ?? [:]
        var object = (try? JSONSerialization.jsonObject(with: Data((bundle["value"] as? String ?? "").utf8))) as? [String: Any] ?? [:]
        object[field] = value
        let text = String(decoding: try JSONSerialization.data(withJSONObject: object, options: .sortedKeys), as: UTF8.self)
        let (status, _) = try await fake.json(
            "PUT", "/secrets/\(Self.name(path))?api-version=7.4", token: token, body: ["value": text, "tags": bundle["tags"] ?? [:]])
        guard status == 200 else { throw ContractFake.Failure(description: "outside write failed: HTTP \(status)") }
    }

    /// The soft-deleted secret at `path`, if any.
    func deleted(_ path: String) async throws -> Bool {
        try await fake.json("GET", "/deletedsecrets/\(Self.name(path))?api-version=7.4", token: try await token()).status == 200
    }
}
