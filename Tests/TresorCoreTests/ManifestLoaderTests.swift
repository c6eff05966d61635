import Foundation
import Testing

@testable import TresorCore

/// What valid manifests decode to, field by field, defaults included.
@Suite("Manifest loader")
struct ManifestLoaderTests {
    static let validDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/valid", isDirectory: true).path

    /// `Fixtures/valid`, read as `tresor validate` reads it.
    static let valid: LoadResult = {
        let found = ManifestFiles.read([validDirectory])
        return ManifestLoader().load(found.files, preDiagnostics: found.diagnostics)
    }()

    static func load(_ text: String, path: String = "test.yaml") -> LoadResult {
        ManifestLoader().load([ManifestFile(path: path, bytes: Array(text.utf8))])
    }

    static func rendered(_ result: LoadResult) -> [String] {
        result.diagnostics.map { "\($0.location.line):\($0.location.column): \($0.severity.rawValue): \($0.message)" }
    }

    // MARK: The valid fixture set

    @Test func validSetLoadsWithoutDiagnostics() {
        #expect(Self.valid.diagnostics.map(\.description) == [])
        #expect(Self.valid.isValid)
        #expect(Self.valid.fileCount == 3)
        #expect(Self.valid.state.counts == [.vaultProfile: 13, .secret: 15, .approvalProfile: 2, .complianceProfile: 2])
    }

    static func profile(_ name: String) throws -> VaultProfileSpec {
        try #require(Self.valid.state.vaultProfiles[name], "no VaultProfile \(name)").spec
    }

    @Test func localProviders() throws {
        #expect(try Self.profile("local-default") == VaultProfileSpec(provider: .local(LocalProvider())))
        #expect(
            try Self.profile("local-custom").provider
                == .local(LocalProvider(path: "/srv/tresor/vault", keyFile: "/etc/tresor/local.key")))
    }

    @Test func hashicorpWithTokenTakesTheDefaults() throws {
        let spec = try Self.profile("vault-token")
        #expect(
            spec.provider
                == .hashicorp(
                    HashiCorpProvider(
                        address: "https://vault.internal:8200", mount: "secret", pathPrefix: nil, namespace: nil,
                        auth: .token(.fromEnv("VAULT_TOKEN")), tls: nil)))
        #expect(spec.approvalProfile == nil)
        #expect(spec.complianceProfile == nil)
        #expect(spec.rateLimit == nil)
        #expect(spec.enabled)
    }

    @Test func hashicorpWithAppRoleAndEveryField() throws {
        let profile = try #require(Self.valid.state.vaultProfiles["vault-approle"])
        #expect(profile.metadata == ObjectMeta(
            name: "vault-approle", labels: ["env": "prod", "tresor.dev/team": "payments"],
            annotations: ["owner": "payments@example.com"]))
        var expected = VaultProfileSpec(
            provider: .hashicorp(
                HashiCorpProvider(
                    address: "https://vault.internal:8200", mount: "kv", pathPrefix: "apps/payments", namespace: "team1",
                    auth: .appRole(AppRoleAuth(roleId: .fromEnv("VAULT_ROLE_ID"), secretId: .fromFile("/run/secrets/sid"))),
                    tls: TLSConfig(
                        caFile: "/etc/ssl/vault-ca.pem", certFile: "/etc/ssl/tresor.pem", keyFile: "/etc/ssl/tresor-key.pem",
                        insecureSkipVerify: false))))
        expected.approvalProfile = "two-person"
        expected.complianceProfile = "baseline"
        expected.rateLimit = RateLimit(qps: 20, burst: 40)
        #expect(profile.spec == expected)
        // AppRole's own mount defaults to `approle`.
        guard case .hashicorp(let vault) = profile.spec.provider, case .appRole(let appRole) = vault.auth else {
            Issue.record("not an AppRole profile")
            return
        }
        #expect(appRole.mount == "approle")
    }

    @Test func hashicorpAppRoleWithSealedIdAndOwnMount() throws {
        #expect(
            try Self.profile("vault-approle-mount").provider
                == .hashicorp(
                    HashiCorpProvider(
                        address: "http://127.0.0.1:8200",
                        auth: .appRole(
                            AppRoleAuth(
                                roleId: .sealed("tresor-sealed.v1.qydq/iNh0slbNzHy2I07aa5Y595Vt2usaH5rxKZuUi7mbYKyZUD8wE9YOROFD31OhfLDNmOcY8XTKP5vXuHk+8SGZAs07Lxs9cEMsf8Pdw=="), secretId: .fromEnv("VAULT_SECRET_ID"), mount: "ci/approle")))))
    }

    @Test func awsProviders() throws {
        #expect(
            try Self.profile("aws-default").provider
                == .aws(AWSProvider(region: "eu-west-1", endpoint: nil, pathPrefix: nil, auth: nil, deletion: .recoveryWindow(days: 30))))

        let keys = try Self.profile("aws-keys")
        #expect(
            keys.provider
                == .aws(
                    AWSProvider(
                        region: "us-east-2", endpoint: "http://localhost:5000", pathPrefix: "tresor/prod",
                        auth: AWSAuth(
                            accessKeyId: .fromEnv("AWS_ACCESS_KEY_ID"), secretAccessKey: .fromFile("/run/secrets/aws-secret"),
                            sessionToken: .fromEnv("AWS_SESSION_TOKEN")),
                        deletion: .recoveryWindow(days: 7))))
        // A burst defaults to the rate rounded up.
        #expect(keys.rateLimit == RateLimit(qps: 2.5, burst: 3))

        let force = try Self.profile("aws-force")
        #expect(
            force.provider
                == .aws(
                    AWSProvider(
                        region: "eu-central-1",
                        auth: AWSAuth(accessKeyId: .fromEnv("AWS_KEY"), secretAccessKey: .fromEnv("AWS_SECRET"), sessionToken: nil),
                        deletion: .force)))
        #expect(!force.enabled)
    }

    @Test func azureGCPAndKubernetesProviders() throws {
        let azure = try Self.profile("azure")
        #expect(
            azure.provider
                == .azure(
                    AzureProvider(
                        vaultUrl: "https://payments.vault.azure.net", tenantId: "6f1c2e2a-1111-4c4c-9e9e-000000000000",
                        clientId: .fromEnv("AZURE_CLIENT_ID"), clientSecret: .sealed("tresor-sealed.v1.qydq/iNh0slOCYw3FAFzE4Gfbow+oetytg3ALVSqSyf/Zc++DzyIuDpslua5ebpGyi/kNWZ/TlqcOW389NpTsJ/4tTgoaS0KA3AAbDEzjSN1utrrzg=="),
                        authorityHost: "https://login.microsoftonline.com")))
        #expect(azure.complianceProfile == "strict")
        #expect(
            try Self.profile("gcp").provider
                == .gcp(GCPProvider(project: "payments-prod", credentialsFile: "/run/secrets/gcp.json", endpoint: "http://127.0.0.1:9090")))
        #expect(try Self.profile("gcp-minimal").provider == .gcp(GCPProvider(project: "payments-dev", credentialsFile: nil, endpoint: nil)))
        #expect(try Self.profile("k8s-in-cluster").provider == .kubernetes(KubernetesProvider()))
        #expect(
            try Self.profile("k8s").provider
                == .kubernetes(
                    KubernetesProvider(
                        server: "https://k8s.internal:6443", namespace: "payments",
                        token: .fromFile("/var/run/secrets/kubernetes.io/serviceaccount/token"),
                        caFile: "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt")))
    }

    @Test func approvalProfiles() throws {
        #expect(
            try #require(Self.valid.state.approvalProfiles["two-person"]).spec
                == ApprovalProfileSpec(
                    requiredApprovals: 2, approvers: ["alice", "bob", "carol@example.com"], allowSelfApproval: true,
                    expiresAfter: Period("72h")))
        let defaults = try #require(Self.valid.state.approvalProfiles["anyone"]).spec
        #expect(defaults == ApprovalProfileSpec(requiredApprovals: 1, approvers: ["alice"], allowSelfApproval: false, expiresAfter: nil))
    }

    @Test func complianceProfilesWithEveryRuleKind() throws {
        let baseline = try #require(Self.valid.state.complianceProfiles["baseline"]).spec
        let ninetyDays = try #require(Period("90d"))
        #expect(baseline.enforcement == .audit)
        #expect(
            baseline.rules == [
                ComplianceRule(name: "long", appliesTo: [.basicAuth, .apiKey], check: .minLength(min: 24)),
                ComplianceRule(name: "classes", appliesTo: nil, check: .characterClasses(required: [.lower, .upper, .digit])),
                ComplianceRule(name: "types", appliesTo: nil, check: .allowedTypes(types: [.basicAuth, .privateKey, .secretKey])),
                ComplianceRule(
                    name: "keys", appliesTo: nil, check: .privateKey(algorithms: [.rsa, .ec], minRSABits: 3072, curves: [.p384])),
                ComplianceRule(name: "any-key", appliesTo: nil, check: .privateKey(algorithms: nil, minRSABits: nil, curves: nil)),
                ComplianceRule(name: "tokens", appliesTo: nil, check: .jwt(requireExp: false, algorithms: [.rs256, .edDSA])),
                ComplianceRule(name: "any-token", appliesTo: nil, check: .jwt(requireExp: true, algorithms: nil)),
                ComplianceRule(name: "stores", appliesTo: nil, check: .keyStore(types: [.pkcs12])),
                ComplianceRule(name: "key-bits", appliesTo: nil, check: .secretKeyBits(min: 256)),
                ComplianceRule(name: "age", appliesTo: nil, check: .maxAge(duration: ninetyDays)),
                ComplianceRule(name: "owners", appliesTo: nil, check: .requiredLabels(labels: ["team", "tresor.dev/owner"])),
                ComplianceRule(name: "unique", appliesTo: nil, check: .uniqueContent),
                ComplianceRule(name: "no-inline", appliesTo: nil, check: .noInlineValues),
            ])
        // Every rule kind the model has is exercised above, named as manifests name it.
        #expect(Set(baseline.rules.map(\.kind)) == Set(ComplianceRule.kindFields.map(\.rawValue)))
        let strict = try #require(Self.valid.state.complianceProfiles["strict"]).spec
        #expect(strict == ComplianceProfileSpec(enforcement: .deny, rules: [ComplianceRule(name: "unique", appliesTo: nil, check: .uniqueContent)]))
    }

    static func secret(_ name: String) throws -> Secret {
        try #require(Self.valid.state.secrets[name], "no Secret \(name)")
    }

    @Test func secretWithEveryField() throws {
        let secret = try Self.secret("payments-db")
        #expect(secret.metadata == ObjectMeta(name: "payments-db", labels: ["team": "payments"]))
        var expected = SecretSpec(type: .basicAuth, vaultProfile: "vault-approle")
        expected.syncVaultProfiles = ["aws-keys", "azure"]
        expected.path = "db/main"
        expected.content = SecretContent(fields: [
            "username": .literal(SecretValue("payments")),
            "password": .generate(.password(PasswordGenerator(length: 40, characterClasses: [.lower, .upper, .digit]))),
        ])
        expected.adopt = true
        expected.deletionPolicy = .delete
        expected.refreshInterval = try #require(Period("1h30m"))
        expected.rotation = Rotation(every: try #require(Period("90d")))
        expected.expiresAt = Timestamp(rfc3339: "2027-01-31T00:00:00Z")
        #expect(secret.spec == expected)
        #expect(secret.spec.refreshInterval.seconds == 5_400)
        #expect(secret.spec.rotation?.every.seconds == 90 * 86_400)
        #expect(secret.spec.expiresAt?.date == Date(timeIntervalSince1970: 1_801_353_600))
    }

    @Test func secretDefaults() throws {
        let secret = try Self.secret("external")
        #expect(secret.spec == SecretSpec(type: .apiKey, vaultProfile: "local-default"))
        #expect(secret.spec.isExternal)
        #expect(secret.spec.deletionPolicy == .retain)
        #expect(secret.spec.refreshInterval.seconds == 600)
        #expect(secret.spec.enabled)
        #expect(!secret.spec.adopt)
        #expect(!secret.spec.allowInlineValues)
        #expect(secret.spec.syncVaultProfiles.isEmpty)
        #expect(secret.spec.path == nil && secret.spec.rotation == nil && secret.spec.expiresAt == nil)
        #expect(!(try Self.secret("api-env")).spec.enabled)
    }

    @Test(arguments: [
        ("api-generated", "content", ValueSource.generate(.password(PasswordGenerator(length: 32, characterClasses: [.lower, .upper, .digit, .symbol])))),
        ("api-env", "content", .fromEnv("API_KEY")),
        ("session-jwt", "content", .fromFile("/run/secrets/session.jwt")),
        ("signing-rsa", "content", .generate(.privateKey(PrivateKeyGenerator(algorithm: .rsa, bits: 3072)))),
        ("signing-rsa-4096", "content", .generate(.privateKey(PrivateKeyGenerator(algorithm: .rsa, bits: 4096)))),
        ("signing-ec", "content", .generate(.privateKey(PrivateKeyGenerator(algorithm: .ec, curve: .p256)))),
        ("signing-ec-384", "content", .generate(.privateKey(PrivateKeyGenerator(algorithm: .ec, curve: .p384)))),
        ("signing-ed25519", "content", .generate(.privateKey(PrivateKeyGenerator(algorithm: .ed25519)))),
        ("session-key", "content", .generate(.keyBytes(KeyBytesGenerator(bits: 256)))),
        ("session-key-512", "content", .generate(.keyBytes(KeyBytesGenerator(bits: 512)))),
        ("tls-store", "keyStoreType", .literal(SecretValue("JKS"))),
        ("tls-store", "content", .sealed("tresor-sealed.v1.qydq/iNh0smsbqISox6EhD9D2fL8bXyarEzwGmebyMBlGKszWUVWle9YU/QHwvpnk4vNafunIt2yfHmLZNtovJPOnoocDbLP3yeEM/gpwd5LkI1ncKVeQA==")),
        ("tls-store", "password", .generate(.password(PasswordGenerator(length: 24)))),
        ("feature-flags", "API_TOKEN", .fromEnv("FLAGS_TOKEN")),
        ("feature-flags", "signing.salt", .generate(.password(PasswordGenerator(length: 16)))),
        ("blob", "content", .fromFile("/run/secrets/blob.bin")),
        ("blob", "encoding", .literal(SecretValue("base64"))),
    ])
    func valueSourcesAndGeneratorDefaults(_ name: String, _ field: String, _ expected: ValueSource) throws {
        let content = try #require(try Self.secret(name).spec.content)
        #expect(content[field] == expected)
    }

    @Test func contentHasExactlyTheDeclaredFields() throws {
        #expect(try Self.secret("tls-store").spec.content?.fields.keys.sorted() == ["content", "keyStoreType", "password"])
        #expect(try Self.secret("feature-flags").spec.content?.fields.keys.sorted() == ["API_TOKEN", "signing.salt"])
        #expect(try Self.secret("blob").spec.content?.fields.keys.sorted() == ["content", "encoding"])
    }

    @Test func originsPointAtTheSource() throws {
        let secret = try Self.secret("payments-db")
        let file = Self.validDirectory + "/secrets/secrets.yaml"
        #expect(secret.origin.location == SourceLocation(file: file, line: 5, column: 9))
        #expect(secret.origin["spec.vaultProfile"] == SourceLocation(file: file, line: 9, column: 17))
        #expect(secret.origin["spec.syncVaultProfiles[1]"] == SourceLocation(file: file, line: 10, column: 33))
        #expect(secret.origin["spec.content.password"] == SourceLocation(file: file, line: 14, column: 15))
        // Unknown paths fall back to the name.
        #expect(secret.origin["spec.nothing"] == secret.origin.location)
    }

    // MARK: Documents

    static let profile = """
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: dev}
        spec:
          provider: {local: {}}
        """

    @Test func multiDocumentFile() throws {
        let text = """
            \(Self.profile)
            ---
            apiVersion: tresor.dev/v1alpha1
            kind: ApprovalProfile
            metadata: {name: ops}
            spec: {approvers: [alice]}
            ---
            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata: {name: api}
            spec: {type: apiKey, vaultProfile: dev}

            """
        let result = Self.load(text)
        #expect(result.diagnostics.isEmpty)
        #expect(result.state.counts == [.vaultProfile: 1, .secret: 1, .approvalProfile: 1, .complianceProfile: 0])
        #expect(try #require(result.state.secrets["api"]).origin.location == SourceLocation(file: "test.yaml", line: 14, column: 18))
        #expect(try #require(result.state.approvalProfiles["ops"]).origin.location.line == 9)
    }

    @Test func emptyDocumentsAndMarkersAreSkipped() throws {
        let text = """
            # leading comment
            ---
            ---
            # a document of comments only
            ---
            \(Self.profile)
            ...
            ---
            ~
            ---
            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata: {name: api}
            spec: {type: apiKey, vaultProfile: dev}
            ...
            ---

            """
        let result = Self.load(text)
        #expect(result.diagnostics.isEmpty)
        #expect(try #require(result.state.vaultProfiles["dev"]).origin.location.line == 8)
        #expect(try #require(result.state.secrets["api"]).origin.location.line == 17)
    }

    @Test func manifestsAcrossFilesReferToEachOther() {
        let result = ManifestLoader().load([
            ManifestFile(
                path: "secrets.yaml",
                bytes: Array("apiVersion: tresor.dev/v1alpha1\nkind: Secret\nmetadata: {name: api}\nspec: {type: apiKey, vaultProfile: dev}\n".utf8)),
            ManifestFile(path: "profiles.yaml", bytes: Array(Self.profile.utf8)),
        ])
        #expect(result.diagnostics.isEmpty)
        #expect(result.fileCount == 2)
    }

    @Test func problemsInSeveralDocumentsAreAllReportedInOrder() {
        let text = """
            \(Self.profile)
            ---
            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata: {name: b}
            spec: {type: apiKey, vaultProfile: dev, refreshInterval: soon}
            ---
            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata: {name: a}
            spec: {type: apiKey, vaultProfile: prod}

            """
        let result = Self.load(text)
        #expect(
            Self.rendered(result) == [
                "10:58: error: spec.refreshInterval: 'soon' is not a duration; expected a positive number with a unit (s, m, h, d or w), "
                    + "such as 30s, 10m, 1h30m or 90d",
                "15:36: error: spec.vaultProfile: VaultProfile 'prod' is not declared; declared: dev",
            ])
    }

    // MARK: Inline values

    @Test func inlineValuesLoadWithAWarningEach() throws {
        let pem = "-----BEGIN PRIVATE KEY-----\n      MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n      -----END PRIVATE KEY-----"
        let text = """
            \(Self.profile)
            ---
            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata: {name: demo-db}
            spec:
              type: basicAuth
              vaultProfile: dev
              allowInlineValues: true
              content: {username: demo, password: "demo-password"}
            ---
            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata: {name: demo-jwt}
            spec:
              type: jwtToken
              vaultProfile: dev
              allowInlineValues: true
              content:
                content: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZW1vIn0.c2lnbmF0dXJl
            ---
            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata: {name: demo-key}
            spec:
              type: privateKey
              vaultProfile: dev
              allowInlineValues: true
              content:
                content: |
                  \(pem)
            ---
            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata: {name: demo-flags}
            spec:
              type: keyValue
              vaultProfile: dev
              allowInlineValues: true
              content:
                data: {mode: "on", region: eu, secret: {fromEnv: FLAG_SECRET}}

            """
        let result = Self.load(text)
        #expect(result.errors.isEmpty)
        #expect(result.isValid)
        let warning = "inline secret value (allowed by spec.allowInlineValues); keep real secrets out of git"
        #expect(
            Self.rendered(result) == [
                "14:39: warning: spec.content.password: \(warning)",
                "24:14: warning: spec.content.content: \(warning)",
                "34:14: warning: spec.content.content: \(warning)",
                "47:18: warning: spec.content.data.mode: \(warning)",
                "47:32: warning: spec.content.data.region: \(warning)",
            ])
        // The username is not a secret field: no warning for it.
        let db = try #require(result.state.secrets["demo-db"])
        #expect(db.spec.allowInlineValues)
        #expect(db.spec.content?["username"] == .literal(SecretValue("demo")))
        #expect(db.spec.content?["password"] == .literal(SecretValue("demo-password")))
        let key = try #require(result.state.secrets["demo-key"]?.spec.content?["content"])
        guard case .literal(let value) = key else {
            Issue.record("not a literal")
            return
        }
        #expect(value.reveal().hasPrefix("-----BEGIN PRIVATE KEY-----\nMC4CAQ"))
        #expect(result.state.secrets["demo-flags"]?.spec.content?["secret"] == .fromEnv("FLAG_SECRET"))
        // Warnings name the field, never the value.
        for diagnostic in result.diagnostics {
            for value in ["demo-password", "eyJhbGciOiJIUzI1NiJ9", "MC4CAQ", "\"on\""] {
                #expect(!diagnostic.message.contains(value))
            }
        }
    }

    @Test func inlineValuesWithoutOptInAreErrorsButNonSecretFieldsAreFine() {
        let text = """
            \(Self.profile)
            ---
            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata: {name: store}
            spec:
              type: keyStore
              vaultProfile: dev
              content:
                keyStoreType: PKCS12
                content: {fromFile: /run/secrets/store.p12}
                password: changeit

            """
        #expect(
            Self.rendered(Self.load(text)) == [
                "16:15: error: spec.content.password: inline secret values must not be committed; use {fromEnv: NAME}, {fromFile: PATH}, "
                    + "{generate: …} or {sealed: …}, or set spec.allowInlineValues: true for test and demo data"
            ])
    }

    @Test func stateHoldsNothingPartialForAnInvalidSecret() {
        let text = """
            \(Self.profile)
            ---
            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata: {name: api}
            spec: {type: apiKey, vaultProfile: dev, deletionPolicy: Never}

            """
        let result = Self.load(text)
        #expect(!result.isValid)
        #expect(result.state.secrets["api"] == nil)
        #expect(result.state.vaultProfiles["dev"] != nil)
    }
}
