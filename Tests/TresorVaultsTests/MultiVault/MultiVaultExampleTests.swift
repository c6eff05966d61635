import Foundation
import Testing
import TresorCore
import TresorEngine
import TresorTestSupport

@testable import TresorVaults

/// `examples/multi-vault` applied end to end: the OpenBao source on a real dev server (its
/// AppRole set up as the example expects), AWS on moto, Azure, GCP and Kubernetes on their
/// contract fakes, and the embedded local vault. Only what points at production is
/// rewritten (addresses, the OpenBao namespace and CA, credential files); profiles,
/// approvals, compliance and secrets are the example's own.
@Suite("The multi-vault example", .enabled(if: OpenBaoDevServer.enabled && MotoServer.enabled), .openBaoDevServer, .motoServer)
struct MultiVaultExampleTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples/multi-vault").path

    struct Vaults {
        let bao: OpenBaoDevServer
        let moto: MotoServer
        let azure: AzureFixture
        let gcp: GCPFixture
        let kubernetes: KubernetesFixture
    }

    /// The example's text with `old` replaced; a missing `old` means the example changed under the test.
    static func replacing(_ text: String, _ old: String, _ new: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
        #expect(text.contains(old), "the example no longer contains \(old)", sourceLocation: sourceLocation)
        return text.replacingOccurrences(of: old, with: new)
    }

    /// A compact JWS with an `exp` a month ahead (the example's compliance asks for one).
    static func jwt(_ subject: String) -> String {
        let header = Base64URL.encode(Data(#"{"alg":"RS256","typ":"JWT"}"#.utf8))
        let claims = Base64URL.encode(Data(#"{"sub":"\#(subject)","exp":\#(Int(Date().timeIntervalSince1970) + 30 * 86400)}"#.utf8))
        return header + "." + claims + "." + Base64URL.encode(Data("signature-of-\(subject)".utf8))
    }

    @Test func convergesOnAllSixProvidersAndOneChangeMakesOneVersionOnEach() async throws {
        let bao = try OpenBaoDevServer.inScope()
        let moto = try AWSTesting.server
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-multi-vault-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: state) }
        try await withFixture(AzureFixture.start) { azure in
            try await withFixture(GCPFixture.start) { gcp in
                try await withFixture(KubernetesFixture.start) { kubernetes in
                    try await run(Vaults(bao: bao, moto: moto, azure: azure, gcp: gcp, kubernetes: kubernetes), state: state)
                }
            }
        }
    }

    func run(_ vaults: Vaults, state: URL) async throws {
        let store = try StateStore(root: state.path + "/state")
        var environment = try await setUpOpenBao(vaults.bao, files: state.path)
        environment["AWS_ACCESS_KEY_ID"] = vaults.moto.accessKeyId
        environment["AWS_SECRET_ACCESS_KEY"] = vaults.moto.secretAccessKey
        environment["AZURE_CLIENT_ID"] = AzureFixture.clientId
        environment["AZURE_CLIENT_SECRET"] = vaults.azure.clientSecret
        environment["K8S_TEST_TOKEN"] = vaults.kubernetes.token
        environment["KEYSTORE_PASSWORD"] = "keystore-pw-9"
        environment["PARTNER_JWT"] = Self.jwt("partner-1")
        let keystore = try await makeKeystore(in: state.path, password: "keystore-pw-9")
        let manifests = try manifests(vaults, keystore: keystore, secretIdFile: state.path + "/vault-secret-id")

        func apply() async throws -> Engine.Report {
            let report = try await EnginePass.apply(
                manifests, state: URL(fileURLWithPath: store.root), store: store, environment: environment, http: ContractFake.http,
                options: Engine.Options(actor: "dave", requester: .identity("dave")))
            #expect(report.failures == 0, "\(report.failedSecrets.map { "\($0.secret): \($0.error ?? "\($0.targets)")" })")
            return report
        }
        func approveAll(_ secrets: [String]) throws {
            for secret in secrets {
                for approver in ["alice@example.com", "bob@example.com"] {
                    _ = try ApprovalService(stateStore: store).decide(
                        secret: secret, requestID: nil, verdict: .approve, identity: approver, comment: nil, now: Date())
                }
            }
        }

        // Every secret's source is prod-vault, which needs two approvals.
        let held = try await apply()
        #expect(Set(held.heldForApproval.map(\.secret)) == ["payments-db", "payments-tls-keystore", "partner-jwt", "webhook-secret"])
        try approveAll(held.heldForApproval.map(\.secret))
        let first = try await apply()
        #expect(first.heldForApproval.isEmpty)
        let partner = environment["PARTNER_JWT"] ?? ""
        #expect(try await inBao(vaults.bao, "partner-jwt").content?["content"] == partner)
        #expect(try await AWSTesting.outside(vaults.moto, "payments/partner-jwt")["string"] as? String == partner)
        #expect(try await vaults.azure.outside("partner-jwt")?.value == partner)
        #expect(try await vaults.gcp.outside("partner-jwt")?.value == partner)
        #expect(try await vaults.kubernetes.outside("partner-jwt")?.data == ["content": partner])
        #expect(try await local(store).read(at: "partner-jwt", version: nil)?.content["content"]?.reveal() == partner)
        #expect(try await vaults.kubernetes.object("payments-tls-keystore")?["type"] as? String == "Opaque")
        #expect(try await vaults.kubernetes.object("db/main")?["type"] as? String == "kubernetes.io/basic-auth")

        let again = try await apply()
        #expect(again.writes == 0)
        #expect(again.heldForApproval.isEmpty)

        // One content change: approved once, then exactly one new version in each vault.
        let kubernetesWrites = try await vaults.kubernetes.fake.stats().requests.filter { $0.method == "PUT" }.count
        environment["PARTNER_JWT"] = Self.jwt("partner-2")
        let changed = try await apply()
        #expect(changed.heldForApproval.map(\.secret) == ["partner-jwt"])
        try approveAll(["partner-jwt"])
        let propagated = try await apply()
        #expect(propagated.writes == 6)
        let updated = environment["PARTNER_JWT"] ?? ""
        let baoNow = try await inBao(vaults.bao, "partner-jwt")
        #expect(baoNow.content?["content"] == updated)
        #expect(baoNow.version == 2)
        let aws = try await AWSTesting.outside(vaults.moto, "payments/partner-jwt")
        #expect(aws["versions"] as? Int == 2)
        #expect(aws["string"] as? String == updated)
        for outside in [try await vaults.azure.outside("partner-jwt"), try await vaults.gcp.outside("partner-jwt")] {
            #expect(outside?.versions == 2)
            #expect(outside?.value == updated)
        }
        #expect(try await vaults.kubernetes.outside("partner-jwt")?.data == ["content": updated])
        #expect(try await vaults.kubernetes.fake.stats().requests.filter { $0.method == "PUT" }.count == kubernetesWrites + 1)
        let cached = try #require(try await local(store).read(at: "partner-jwt", version: nil))
        #expect(cached.metadata.vaultVersion == "2")
        #expect(cached.content["content"]?.reveal() == updated)

        let audit = String(decoding: try AtomicFile.read(store.auditPath) ?? [], as: UTF8.self)
        for value in [partner, updated, "keystore-pw-9"] { #expect(!audit.contains(value)) }
    }

    /// The example's manifests, pointed at the servers of this test, as one multi-document text.
    func manifests(_ vaults: Vaults, keystore: String, secretIdFile: String) throws -> String {
        var files: [String] = []
        for name in ["approval.yaml", "compliance.yaml", "profiles.yaml", "secrets.yaml"] {
            var text = try String(contentsOfFile: Self.example + "/" + name, encoding: .utf8)
            if name == "profiles.yaml" {
                text = Self.replacing(text, "address: https://vault.internal:8200", "address: \(vaults.bao.address)")
                text = Self.replacing(text, "      namespace: team1\n", "")
                text = Self.replacing(text, "      tls: {caFile: /etc/ssl/vault-ca.pem}\n", "")
                text = Self.replacing(text, "/run/secrets/vault-secret-id", secretIdFile)
                text = Self.replacing(text, "      region: eu-west-1\n", "      region: eu-west-1\n      endpoint: \(vaults.moto.endpoint)\n")
                text = Self.replacing(
                    text, "    kubernetes:\n      namespace: payments\n",
                    "    kubernetes:\n      server: \(vaults.kubernetes.fake.baseURL)\n      namespace: payments\n      token: {fromEnv: K8S_TEST_TOKEN}\n")
                text = Self.replacing(
                    text, "vaultUrl: https://payments-dr.vault.azure.net",
                    "vaultUrl: \(vaults.azure.fake.baseURL)\n      authorityHost: \(vaults.azure.fake.baseURL)")
                text = Self.replacing(
                    text, "credentialsFile: /run/secrets/gcp-service-account.json",
                    "credentialsFile: \(vaults.gcp.keyFile)\n      endpoint: \(vaults.gcp.fake.baseURL)")
            }
            if name == "secrets.yaml" {
                text = Self.replacing(text, "/run/secrets/payments.p12.b64", keystore)
                let sealed = try #require(text.range(of: #"password: \{sealed: "[^"]*"\}"#, options: .regularExpression))
                text.replaceSubrange(sealed, with: "password: {fromEnv: KEYSTORE_PASSWORD}")
            }
            files.append(text)
        }
        return files.joined(separator: "\n---\n")
    }

    /// The AppRole the example logs in with (role id from VAULT_ROLE_ID, secret id from a file).
    func setUpOpenBao(_ bao: OpenBaoDevServer, files: String) async throws -> [String: String] {
        _ = try await bao.cli(["auth", "enable", "approle"])
        try await bao.must(["policy", "write", "multi-vault-example", "-"], stdin: #"path "*" { capabilities = ["create", "read", "update", "patch", "delete", "list"] }"#)
        try await bao.must(["write", "auth/approle/role/multi-vault", "token_policies=multi-vault-example", "token_ttl=1h"])
        let roleId = try await bao.must(["read", "-format=json", "auth/approle/role/multi-vault/role-id"]).json
        let secretId = try await bao.must(["write", "-f", "-format=json", "auth/approle/role/multi-vault/secret-id"]).json
        guard let role = (roleId["data"] as? [String: Any])?["role_id"] as? String,
            let secret = (secretId["data"] as? [String: Any])?["secret_id"] as? String
        else { throw ContractFake.Failure(description: "no AppRole credentials from OpenBao") }
        try secret.write(toFile: files + "/vault-secret-id", atomically: true, encoding: .utf8)
        return ["VAULT_ROLE_ID": role]
    }

    /// A PKCS#12 keystore made by openssl, base64-encoded in a file, as the example reads it.
    func makeKeystore(in directory: String, password: String) async throws -> String {
        let environment = ProcessInfo.processInfo.environment
        for arguments in [
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "k.pem", "-out", "c.pem", "-days", "2", "-subj", "/CN=payments"],
            ["pkcs12", "-export", "-in", "c.pem", "-inkey", "k.pem", "-out", "store.p12", "-passout", "pass:" + password],
        ] {
            let result = try await runToEnd("/usr/bin/env", ["sh", "-c", "cd \"$0\" && exec openssl \"$@\"", directory] + arguments, environment: environment, directory: directory)
            guard result.status == 0 else { throw ContractFake.Failure(description: "openssl failed: \(result.stderr)") }
        }
        let path = directory + "/payments.p12.b64"
        try Data(contentsOf: URL(fileURLWithPath: directory + "/store.p12")).base64EncodedString().write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func inBao(_ bao: OpenBaoDevServer, _ name: String) async throws -> (content: [String: String]?, version: Int?) {
        let result = try await bao.cli(["kv", "get", "-format=json", "-mount=secret", "apps/payments/\(name)"])
        guard result.status == 0 else { return (nil, nil) }
        let data = result.json["data"] as? [String: Any]
        return (data?["data"] as? [String: String], (data?["metadata"] as? [String: Any])?["version"] as? Int)
    }

    func local(_ store: StateStore) throws -> LocalAdapter {
        try LocalAdapter(directory: store.localVaultDirectory(profile: "edge-cache"), keyFile: store.localKeyPath)
    }
}
