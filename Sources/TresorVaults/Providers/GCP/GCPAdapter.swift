import Foundation
import TresorCore

/// Google Cloud Secret Manager (REST v1), with a service account's key.
///
/// A secret at `db/main` is the secret `projects/<project>/secrets/db__main`
/// (``VaultNameRule/gcp``). Its content is the payload of its versions, laid out as
/// ``SingleValueLayout`` says; each write adds a version (`:addVersion`) and
/// `vaultVersion` is that version's number. tresor's mark is the label
/// `managed-by: tresor` (labels are lowercase and at most 63 characters, too short for a
/// fingerprint) and ``MarkEntries`` as annotations under `tresor-` (``GCPMark``).
///
/// A create makes the secret with its label and annotations (which fails when the id is
/// taken, so it never overwrites) and adds the first version. An update reads
/// `versions/latest` first and refuses with ``VaultError/Kind/conflict`` when it is not
/// the version observed, adds the version, then patches the annotations on the secret's
/// `etag`. Secret Manager has no conditional `addVersion`: an outside version added
/// between the check and the write (one round trip) is not detected, and stays in the
/// secret's history. `delete` deletes the secret with all its versions.
///
/// Tokens: see ``GCPServiceAccount``; they are shared by every request, renewed shortly
/// before they expire or when the API answers 401. `endpoint` replaces
/// `https://secretmanager.googleapis.com`.
///
/// Costs: `readMetadata` two GETs (the secret, `versions/latest`), `read` three (and
/// `:access`), a create three POSTs, an update a GET, a POST and a PATCH, `delete` one
/// DELETE, `listManaged` one GET per 250 secrets plus one per secret for its version.
public struct GCPAdapter: VaultAdapter {
    static let defaultEndpoint = "https://secretmanager.googleapis.com"

    public let config: GCPProvider
    let api: RESTEndpoint
    /// `<endpoint>/v1/projects/<project>`.
    let base: String
    let tokens: AccessTokenCache

    /// An adapter for one VaultProfile's `gcp` block. The key file is
    /// `credentialsFile`, or `$GOOGLE_APPLICATION_CREDENTIALS`; throws when neither is set.
    public init(
        config: GCPProvider, profile: String, http: any HTTPClient, environment: [String: String]
    ) throws {
        self.config = config
        var endpoint = config.endpoint.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultEndpoint
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        base = endpoint + "/v1/projects/" + config.project
        let tls = TLSOptions(config.tls)
        api = RESTEndpoint(
            server: "GCP Secret Manager at \(endpoint) (project \(config.project))", tls: tls, http: http, addressSetting: "gcp.endpoint",
            api: "the Secret Manager API")
        guard let file = config.credentialsFile ?? environment["GOOGLE_APPLICATION_CREDENTIALS"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            throw VaultError(
                .invalidRequest,
                "vault profile '\(profile)': gcp.credentialsFile is not set and neither is GOOGLE_APPLICATION_CREDENTIALS; point one at a service-account key file")
        }
        let account = GCPServiceAccount(file: file, profile: profile, tls: tls, http: http)
        tokens = AccessTokenCache { try await account.fetch() }
    }

    /// Versions (readable by number), labels and annotations as marks.
    public var capabilities: VaultCapabilities { [.versions, .metadataMarks] }

    func secretId(_ path: String) throws -> String {
        try api.name(for: path, by: .gcp)
    }

    /// Sends `method` to `<base>/<resource>[?query]`. Returns 2xx, 404 and 409 answers;
    /// throws the mapped error for the others.
    func call(_ method: String, _ resource: String, query: String? = nil, body: [UInt8]? = nil) async throws -> HTTPResponse {
        let what = "\(method) \(resource)"
        return try await api.callJSON(
            method, url: base + "/" + resource + (query.map { "?" + $0 } ?? ""), body: body, tokens: tokens, what: what, failure: { failure($0, what: what) })
    }

    func failure(_ response: HTTPResponse, what: String) -> VaultError {
        api.failure(
            response, what: what, said: GCPErrorBody.summary(response.body),
            unauthorized: "is the endpoint Secret Manager, and the key file's token_uri its token service?",
            forbidden: "the service account needs the Secret Manager Admin role (secretmanager.secrets.* and versions.*) on project \(config.project)")
    }

    /// GET of a resource that may be absent.
    func get<T: Decodable>(_ type: T.Type, _ resource: String) async throws -> T? {
        let response = try await call("GET", resource)
        if response.status == 404 { return nil }
        if response.status == 409 { throw failure(response, what: "GET \(resource)") }
        return try api.decode(T.self, response, what: "GET \(resource)")
    }

    /// The secret and its newest version; nil when there is no secret.
    func describe(_ id: String) async throws -> (secret: GCPSecret, latest: GCPSecretVersion?)? {
        guard let secret = try await get(GCPSecret.self, "secrets/\(id)") else { return nil }
        return (secret, try await get(GCPSecretVersion.self, "secrets/\(id)/versions/latest"))
    }

    func metadata(path: String, _ secret: GCPSecret, version: GCPSecretVersion?) throws -> VaultEntryMetadata {
        VaultEntryMetadata(
            path: path, vaultVersion: version?.number, mark: try GCPMark.decode(secret, path: path, server: api.server),
            updatedAt: (version?.createTime ?? secret.createTime).flatMap { Timestamp(rfc3339: $0)?.date })
    }
}
