import Foundation
import TresorCore

/// Kubernetes core/v1 Secrets in one namespace.
///
/// A secret at `db/main` is the Secret `db.main` (``VaultNameRule/kubernetes``: `/`
/// becomes `.`, every segment a DNS-1123 label). Its `data` holds one key per content
/// field (`keyValue`: one per key of its map), base64-encoded as the API requires;
/// `basicAuth` secrets are of type `kubernetes.io/basic-auth`, every other type `Opaque`.
/// tresor's mark is the label `app.kubernetes.io/managed-by: tresor` and the annotations
/// `tresor.dev/secret`, `tresor.dev/type`, `tresor.dev/fingerprint` and the others
/// ``MarkEntries`` lists (each under `tresor.dev/`). `vaultVersion` is the Secret's
/// `resourceVersion`: Kubernetes keeps no earlier content.
///
/// Writes are optimistic: a create is a POST, which fails when the name is taken; an
/// update is a PUT carrying the `resourceVersion` observed, which the API server refuses
/// with 409 when anyone wrote since. Either refusal is a
/// ``VaultError/Kind/conflict``: observe again, never overwrite blindly. A Secret's
/// `type` cannot change in place, so a type change deletes the Secret (on the observed
/// `resourceVersion` as a precondition) and creates it anew.
///
/// Connection: `server`, `namespace`, `token` and the CA default to what a pod has:
/// `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT` and the files `token`,
/// `ca.crt` and `namespace` in `/var/run/secrets/kubernetes.io/serviceaccount/`. The
/// token is read for every request, so a projected token that the kubelet rotates is
/// picked up.
///
/// Costs: `readMetadata` and `read` one GET, a create one POST, an update a GET and a
/// PUT, `delete` one DELETE, `listManaged` one GET per 500 Secrets.
public struct KubernetesAdapter: VaultAdapter {
    public static let serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"
    static let managedByLabel = "app.kubernetes.io/managed-by"
    static let annotationPrefix = "tresor.dev/"

    let endpoint: RESTEndpoint
    /// `https://host:port` without a trailing slash.
    let server: String
    let namespace: String
    let token: CredentialSource
    let credentials: @Sendable (CredentialSource) throws -> String

    /// An adapter for one VaultProfile's `kubernetes` block. Empty fields take the
    /// in-cluster defaults from `environment` and `serviceAccountDirectory`; throws when
    /// neither gives them.
    public init(
        config: KubernetesProvider, profile: String, http: any HTTPClient,
        credentials: @escaping @Sendable (CredentialSource) throws -> String, environment: [String: String],
        serviceAccountDirectory: String = KubernetesAdapter.serviceAccountDirectory
    ) throws {
        var server = config.server ?? ""
        var inCluster = false
        if server.isEmpty {
            guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty else {
                throw VaultError(
                    .invalidRequest,
                    "vault profile '\(profile)': kubernetes.server is not set and KUBERNETES_SERVICE_HOST is not in the environment (not in a pod); set server")
            }
            let port = environment["KUBERNETES_SERVICE_PORT"].flatMap { $0.isEmpty ? nil : $0 } ?? "443"
            server = "https://" + (host.contains(":") ? "[\(host)]" : host) + ":" + port
            inCluster = true
        }
        while server.hasSuffix("/") { server.removeLast() }
        var namespace = config.namespace ?? ""
        if namespace.isEmpty {
            let file = serviceAccountDirectory + "/namespace"
            guard let text = try? String(contentsOfFile: file, encoding: .utf8), !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            else {
                throw VaultError(
                    .invalidRequest, "vault profile '\(profile)': kubernetes.namespace is not set and \(file) cannot be read (not in a pod); set namespace")
            }
            namespace = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var caFile = config.tls?.caFile ?? config.caFile
        if caFile == nil, inCluster, FileManager.default.fileExists(atPath: serviceAccountDirectory + "/ca.crt") {
            caFile = serviceAccountDirectory + "/ca.crt"
        }
        self.server = server
        self.namespace = namespace
        self.token = config.token ?? .fromFile(serviceAccountDirectory + "/token")
        self.credentials = credentials
        endpoint = RESTEndpoint(
            server: "Kubernetes API at \(server) (namespace \(namespace))", tls: TLSOptions(config.tls, caFile: caFile), http: http,
            addressSetting: "kubernetes.server", api: "the core/v1 API")
    }

    /// Marks in labels and annotations, and optimistic concurrency on `resourceVersion`.
    /// No earlier versions, no soft delete.
    public var capabilities: VaultCapabilities { [.metadataMarks, .compareAndSet] }

    /// The Secret's name for a path.
    func secretName(_ path: String) throws -> String {
        try endpoint.name(for: path, by: .kubernetes)
    }

    /// `/api/v1/namespaces/<namespace>/secrets[/<name>]`.
    func url(_ name: String?, query: String? = nil) -> String {
        server + "/api/v1/namespaces/\(namespace)/secrets" + (name.map { "/" + $0 } ?? "") + (query.map { "?" + $0 } ?? "")
    }

    /// Sends a request with the bearer token. Returns 2xx, 404 and 409 answers; throws the
    /// mapped error for the others.
    func call(_ method: String, name: String?, query: String? = nil, body: [UInt8]? = nil) async throws -> HTTPResponse {
        let token = try credentials(self.token)
        var headers: [(name: String, value: String)] = [
            (name: "Authorization", value: "Bearer " + token), (name: "Accept", value: "application/json"),
        ]
        if body != nil { headers.append((name: "Content-Type", value: "application/json")) }
        let what = "\(method) secrets" + (name.map { "/" + $0 } ?? "")
        let response = try await endpoint.send(
            HTTPRequest(method: method, url: url(name, query: query), headers: headers, body: body), what: what)
        switch response.status {
        case 200...299, 404, 409: return response
        default: throw failure(response, what: what)
        }
    }

    func failure(_ response: HTTPResponse, what: String) -> VaultError {
        let status = try? JSONDecoder().decodeBounded(KubernetesStatus.self, from: Data(response.body))
        return endpoint.failure(
            response, what: what, said: status?.message,
            unauthorized: "the token from \(Self.describe(token)) is expired, revoked or not a token of this cluster; provide a valid service-account token there",
            forbidden: "the service account's Role in namespace \(namespace) must allow get, list, create, update and delete on secrets")
    }

    static func describe(_ source: CredentialSource) -> String {
        switch source {
        case .fromEnv(let name): "environment variable \(name)"
        case .fromFile(let path): "file \(path)"
        case .sealed: "the sealed credential"
        }
    }

    /// The GET of a Secret; nil when there is none.
    func fetch(_ name: String) async throws -> KubernetesSecret? {
        let response = try await call("GET", name: name)
        if response.status == 404 { return nil }
        if response.status == 409 { throw failure(response, what: "GET secrets/\(name)") }
        return try endpoint.decode(KubernetesSecret.self, response, what: "GET secrets/\(name)")
    }

    /// The metadata tresor reports for a Secret.
    func metadata(path: String, _ secret: KubernetesSecret) throws -> VaultEntryMetadata {
        VaultEntryMetadata(
            path: path, vaultVersion: secret.metadata.resourceVersion, mark: try KubernetesMark.decode(secret.metadata, path: path, server: endpoint.server),
            updatedAt: secret.metadata.creationTimestamp.flatMap { Timestamp(rfc3339: $0)?.date })
    }
}
