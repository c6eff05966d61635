import Foundation
import TresorCore

/// Azure Key Vault secrets (REST API 7.4), with an OAuth2 client-credentials token.
///
/// A secret at `db/main` is the Key Vault secret `db--main` (``VaultNameRule/azure``).
/// Its value is one string laid out as ``SingleValueLayout`` says; tresor's mark is a
/// set of tags on the version (``AzureMark``; at most 15 tags per secret); `vaultVersion`
/// is the version id, the last segment of the secret's `id`. Every write is a PUT that
/// makes a new version, so a write happens only when content or mark changed.
///
/// Key Vault has no conditional write: an update reads the current version first and
/// refuses with ``VaultError/Kind/conflict`` when it is not the one observed, then PUTs
/// (an outside write between the two, one round trip, is not detected; it stays in the
/// secret's versions). Tags of other tools on the current version are carried over.
///
/// Deleting is Key Vault's soft delete; with `deletion: {purge: true}` the deleted
/// secret is purged too. A soft-deleted secret counts as absent; declared again, it is
/// recovered (`POST deletedsecrets/<name>/recover`) and then written, keeping its versions.
///
/// Tokens come from `{authorityHost}/{tenantId}/oauth2/v2.0/token` (client credentials,
/// scope `https://vault.azure.net/.default`), are shared by every request and renewed
/// shortly before they expire or when Key Vault answers 401. A 429 is retried by the HTTP
/// client after its `Retry-After`, within the client's bound; then it is reported as
/// ``VaultError/Kind/rateLimited``.
///
/// Costs: `readMetadata` and `read` one GET, a create a GET and a PUT, an update a GET
/// and a PUT, `delete` one DELETE (and one more to purge), `listManaged` one GET per 25
/// secrets, plus one token request an hour.
public struct AzureAdapter: VaultAdapter {
    static let apiVersion = "7.4"
    static let scope = "https://vault.azure.net/.default"
    static let defaultAuthority = "https://login.microsoftonline.com"

    public let config: AzureProvider
    let vault: RESTEndpoint
    /// The vault URL without a trailing slash.
    let vaultUrl: String
    let tokens: AccessTokenCache
    /// Pauses between tries of a write right after a recovery, which Key Vault finishes
    /// in the background.
    let recoveryWaits: [Duration]

    /// An adapter for one VaultProfile's `azure` block; nothing is sent until the first operation.
    public init(
        config: AzureProvider, profile: String, http: any HTTPClient,
        credentials: @escaping @Sendable (CredentialSource) throws -> String
    ) {
        self.init(config: config, profile: profile, http: http, credentials: credentials, recoveryWaits: [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4)])
    }

    init(
        config: AzureProvider, profile: String, http: any HTTPClient,
        credentials: @escaping @Sendable (CredentialSource) throws -> String, recoveryWaits: [Duration]
    ) {
        self.config = config
        var vaultUrl = config.vaultUrl
        while vaultUrl.hasSuffix("/") { vaultUrl.removeLast() }
        self.vaultUrl = vaultUrl
        let tls = TLSOptions(config.tls)
        vault = RESTEndpoint(server: "Azure Key Vault at \(vaultUrl)", tls: tls, http: http, addressSetting: "azure.vaultUrl", api: "the Key Vault API")
        let token = AzureTokenRequest(config: config, profile: profile, tls: tls, http: http, credentials: credentials)
        tokens = AccessTokenCache { try await token.fetch() }
        self.recoveryWaits = recoveryWaits
    }

    /// Versions (readable by id), tags as marks, soft delete.
    public var capabilities: VaultCapabilities { [.versions, .metadataMarks, .softDelete] }

    func secretName(_ path: String) throws -> String {
        try vault.name(for: path, by: .azure)
    }

    /// Sends `method` to `vaultUrl/<resource>?api-version=7.4[&query]`. Returns 2xx,
    /// 404 and 409 answers; throws the mapped error for the others.
    func call(_ method: String, _ resource: String, query: String? = nil, body: [UInt8]? = nil) async throws -> HTTPResponse {
        let what = "\(method) \(resource)"
        return try await vault.callJSON(
            method, url: vaultUrl + "/" + resource + "?api-version=" + Self.apiVersion + (query.map { "&" + $0 } ?? ""), body: body, tokens: tokens, what: what, failure: { failure($0, what: what) })
    }

    func failure(_ response: HTTPResponse, what: String) -> VaultError {
        vault.failure(
            response, what: what, said: AzureErrorBody.summary(response.body),
            unauthorized: "the token endpoint must be the vault's tenant (azure.tenantId, azure.authorityHost)",
            forbidden: "the application (azure.clientId) needs get, list, set, delete, recover and purge permission on secrets (an access policy or the Key Vault Secrets Officer role)")
    }

    /// The current version of a live secret; nil when there is none (or it is soft-deleted).
    func current(_ name: String, version: String? = nil) async throws -> AzureSecretBundle? {
        let response = try await call("GET", "secrets/\(name)" + (version.map { "/" + $0 } ?? ""))
        guard response.status != 404 else { return nil }
        if response.status == 409 { throw failure(response, what: "GET secrets/\(name)") }
        return try vault.decode(AzureSecretBundle.self, response, what: "GET secrets/\(name)")
    }

    func metadata(path: String, _ bundle: AzureSecretBundle) throws -> VaultEntryMetadata {
        VaultEntryMetadata(
            path: path, vaultVersion: bundle.version, mark: try AzureMark.decode(bundle.tags, path: path, server: vault.server),
            updatedAt: bundle.attributes?.updated.map { Date(timeIntervalSince1970: $0) })
    }
}
