import Foundation
import Testing

@testable import TresorCore
@testable import TresorVaults

/// Builders shared by the HashiCorp adapter tests.
enum HashiCorpTesting: VaultTestHelpers {
    static let address = "https://vault.test:8200"

    static func provider(
        address: String = address, mount: String = "secret", pathPrefix: String? = "apps/payments", namespace: String? = nil,
        auth: HashiCorpAuth = .token(.fromEnv("VAULT_TOKEN")), tls: TLSConfig? = nil
    ) -> HashiCorpProvider {
        HashiCorpProvider(address: address, mount: mount, pathPrefix: pathPrefix, namespace: namespace, auth: auth, tls: tls)
    }

    static let appRole = HashiCorpAuth.appRole(
        AppRoleAuth(roleId: .fromEnv("ROLE_ID"), secretId: .fromFile("/run/secrets/sid"), mount: "approle"))

    /// Credentials as the engine would resolve them.
    static let credentials: @Sendable (CredentialSource) throws -> String = { source in
        switch source {
        case .fromEnv("VAULT_TOKEN"): "s.root-token"
        case .fromEnv("ROLE_ID"): "role-1"
        case .fromFile("/run/secrets/sid"): "secret-1\n"
        default: throw CocoaError(.fileNoSuchFile)
        }
    }

    /// The error of creating `db/main` holding `password` through an adapter on `http`.
    static func createError(_ http: FakeVaultHTTP, password: String) async -> VaultError? {
        await vaultError { _ = try await adapter(http).write(at: "db/main", content: content(["password": password]), mark: mark(), expected: .absent) }
    }

    /// The error of reading the metadata of `db/main` through an adapter on `http`.
    static func readMetadataError(_ http: FakeVaultHTTP) async -> VaultError? {
        await vaultError { _ = try await adapter(http).readMetadata(at: "db/main") }
    }

    static func adapter(
        _ http: FakeVaultHTTP, provider: HashiCorpProvider = provider(), clock: FakeClock = FakeClock(),
        credentials: @escaping @Sendable (CredentialSource) throws -> String = credentials
    ) -> HashiCorpAdapter {
        HashiCorpAdapter(config: provider, http: http, credentials: credentials, now: { clock.now })
    }

    static func mark(generatedAt: Date? = Date(timeIntervalSince1970: 1_795_000_000)) -> OwnershipMark {
        OwnershipMark(
            secret: "payments-db", type: .basicAuth, fingerprint: "hmac-sha256:3f2a9c",
            generators: ["password": "gen:9a1b"], generatedAt: generatedAt)
    }

    /// The custom_metadata the sample mark is stored as.
    static let markMetadata: [String: String] = [
        "managed-by": "tresor", "tresor-secret": "payments-db", "tresor-type": "basicAuth",
        "tresor-fingerprint": "hmac-sha256:3f2a9c", "tresor-generated-at": "2026-11-18T11:06:40.000Z",
        "tresor-gen-password": "gen:9a1b",
    ]

    static let metadataPath = "/v1/secret/metadata/apps/payments/db/main"
    static let dataPath = "/v1/secret/data/apps/payments/db/main"
}
