import Foundation
import TresorCore
import _CryptoExtras

@testable import TresorVaults

/// The GCP Secret Manager contract fake, with a service account whose public key it knows
/// and whose key file (private key, `token_uri` on the fake) the adapter reads.
struct GCPFixture: ProviderFixture {
    static let project = "payments-analytics"
    static let projectNumber = "487912377451"
    static let clientEmail = "tresor@payments-analytics.iam.gserviceaccount.com"
    let fake: ContractFake
    let directory: String

    var keyFile: String { directory + "/key.json" }
    /// A key file signed with a key the fake does not know.
    var foreignKeyFile: String { directory + "/foreign.json" }

    static func start() async throws -> GCPFixture {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let primitives = try key.publicKey.getKeyPrimitives()
        let fake = try await ContractFake.start("gcp_secretmanager_fake.py", Self.arguments(primitives))
        let directory = FileManager.default.temporaryDirectory.path + "/tresor-gcp-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let fixture = GCPFixture(fake: fake, directory: directory)
        try Self.writeKeyFile(fixture.keyFile, key: key, tokenURI: fake.baseURL + "/token")
        try Self.writeKeyFile(fixture.foreignKeyFile, key: try _RSA.Signing.PrivateKey(keySize: .bits2048), tokenURI: fake.baseURL + "/token")
        try Data(Self.arguments(primitives).joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: directory + "/arguments"))
        return fixture
    }

    static func arguments(_ primitives: _RSA.Signing.PublicKey.Primitives) -> [String] {
        [
            "--project", project, "--project-number", projectNumber, "--client-email", clientEmail,
            "--modulus", Hex.encode(primitives.modulus), "--exponent", Hex.encode(primitives.publicExponent),
        ]
    }

    static func writeKeyFile(_ path: String, key: _RSA.Signing.PrivateKey, tokenURI: String) throws {
        let file: [String: String] = [
            "type": "service_account", "project_id": project, "private_key_id": "0123abcd", "private_key": key.pkcs8PEMRepresentation,
            "client_email": clientEmail, "client_id": "1234567890", "token_uri": tokenURI,
        ]
        try JSONSerialization.data(withJSONObject: file).write(to: URL(fileURLWithPath: path))
    }

    func stop() async {
        await fake.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    var providerYAML: String {
        "gcp: {project: \(Self.project), credentialsFile: \(keyFile), endpoint: \"\(fake.baseURL)\"}"
    }

    var environment: [String: String] { [:] }

    func config(at baseURL: String, caFile: String? = nil, keyFile: String? = nil) -> GCPProvider {
        GCPProvider(project: Self.project, credentialsFile: keyFile ?? self.keyFile, endpoint: baseURL, tls: caFile.map { TLSConfig(caFile: $0) })
    }

    func adapter() throws -> any VaultAdapter { try gcp() }

    func gcp(http: any HTTPClient = ContractFake.http) throws -> GCPAdapter {
        try GCPAdapter(config: config(at: fake.baseURL), profile: "gcp-test", http: http, environment: [:])
    }

    func adapterWithWrongCredentials() throws -> any VaultAdapter {
        try GCPAdapter(config: config(at: fake.baseURL, keyFile: foreignKeyFile), profile: "gcp-test", http: ContractFake.http, environment: [:])
    }

    /// The key file's service account, with the token service of the fake at `baseURL`.
    func adapter(at baseURL: String, caFile: String?) throws -> any VaultAdapter {
        var file = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: keyFile))) as? [String: Any] ?? [:]
        file["token_uri"] = baseURL + "/token"
        let path = directory + "/key-\(UUID().uuidString).json"
        try JSONSerialization.data(withJSONObject: file).write(to: URL(fileURLWithPath: path))
        return try GCPAdapter(config: config(at: baseURL, caFile: caFile, keyFile: path), profile: "gcp-test", http: ContractFake.http, environment: [:])
    }

    func startTLS(_ pki: TestPKI) async throws -> ContractFake {
        let arguments = try String(contentsOfFile: directory + "/arguments", encoding: .utf8).split(separator: "\n").map(String.init)
        return try await ContractFake.start("gcp_secretmanager_fake.py", arguments, tls: pki)
    }

    var readOperations: [String] { ["secrets.get"] }

    /// A token from the fake's token endpoint for the service account's signed assertion.
    func token() async throws -> String {
        try await GCPServiceAccount(file: keyFile, profile: "gcp-outside", tls: TLSOptions(), http: ContractFake.http).fetch().token
    }

    static func id(_ path: String) -> String { path.replacingOccurrences(of: "/", with: "__") }

    var base: String { "/v1/projects/\(Self.project)/secrets" }

    func outside(_ path: String) async throws -> OutsideView? {
        let token = try await token()
        let id = Self.id(path)
        let (status, body) = try await fake.json("GET", "\(base)/\(id)", token: token)
        guard status == 200, let secret = body as? [String: Any] else { return nil }
        let versions = (try await fake.json("GET", "\(base)/\(id)/versions", token: token).body as? [String: Any])?["versions"] as? [[String: Any]] ?? []
        let access = try await fake.json("GET", "\(base)/\(id)/versions/latest:access", token: token).body as? [String: Any]
        let payload = ((access?["payload"] as? [String: Any])?["data"] as? String).flatMap { Data(base64Encoded: $0) }
        var mark: [String: String] = [:]
        if (secret["labels"] as? [String: String])?["managed-by"] == "tresor" {
            for (key, value) in secret["annotations"] as? [String: String] ?? [:] where key.hasPrefix("tresor-") {
                mark[String(key.dropFirst(7))] = value
            }
        }
        return OutsideView(
            value: payload.map { String(decoding: $0, as: UTF8.self) }, data: nil, mark: mark, versions: versions.count,
            current: (versions.first?["name"] as? String)?.split(separator: "/").last.map(String.init))
    }

    func tamper(_ path: String, field: String, value: String) async throws {
        let token = try await token()
        let id = Self.id(path)
        let access = try await fake.json("GET", "\(base)/\(id)/versions/latest:access", token: token).body as? [String: Any]
        let payload = ((access?["payload"] as? [String: Any])?["data"] as? String).flatMap { Data(base64Encoded: $0) } ?? Data()
        var object = (try? JSONSerialization.jsonObject(with: payload)) as? [String: Any] ?? [:]
        object[field] = value
        let data = try JSONSerialization.data(withJSONObject: object, options: .sortedKeys)
        let (status, _) = try await fake.json("POST", "\(base)/\(id):addVersion", token: token, body: ["payload": ["data": data.base64EncodedString()]])
        guard status == 200 else { throw ContractFake.Failure(description: "outside write failed: HTTP \(status)") }
    }

    func writeOutside(_ path: String, value: String) async throws {
        let token = try await token()
        let id = Self.id(path)
        let created = try await fake.json("POST", "\(base)?secretId=\(id)", token: token, body: ["replication": ["automatic": [String: Any]()]])
        let added = try await fake.json(
            "POST", "\(base)/\(id):addVersion", token: token, body: ["payload": ["data": Data(value.utf8).base64EncodedString()]])
        guard created.status == 200, added.status == 200 else {
            throw ContractFake.Failure(description: "outside write failed: HTTP \(created.status), \(added.status)")
        }
    }
}
