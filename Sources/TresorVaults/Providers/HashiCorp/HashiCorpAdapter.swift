import Foundation
import Synchronization
import TresorCore

/// HashiCorp Vault or OpenBao, KV secrets engine version 2 (and version 1 where it differs).
///
/// A secret at `db/main` under `pathPrefix: apps/payments` and `mount: secret` lives at
/// `secret/data/apps/payments/db/main`; its content is stored as one key per content
/// field (a `keyValue` map as is), and tresor's ownership mark in the secret's
/// `custom_metadata`:
///
/// | key | value |
/// |---|---|
/// | `managed-by` | `tresor` |
/// | `tresor-secret` | the Secret's name |
/// | `tresor-type` | the secret type |
/// | `tresor-fingerprint` | the content fingerprint |
/// | `tresor-generated-at` | RFC 3339 time the generated values were made (optional) |
/// | `tresor-gen-<field>` | one generator digest per generated field |
///
/// Other `custom_metadata` keys, set by people or other tools, are kept on every write.
/// The server limits `custom_metadata` to 64 keys of at most 128 bytes with values of at
/// most 512 bytes, so a `keyValue` secret can have at most 58 generated keys.
///
/// Every operation costs: `readMetadata` one request, `read` one, `write` two (the data,
/// then the mark, skipped when the mark is unchanged), `delete` one, `listManaged` one
/// `LIST` per folder plus one metadata read per secret (16 in flight). The mount's KV
/// version is looked up once per adapter.
///
/// Writes are compare-and-set (`options.cas`: 0 to create, the observed version to
/// update), so a concurrent outside write is reported as ``VaultError/Kind/conflict``
/// and never overwritten. `vaultVersion` is the KV version number (`"1"`, `"2"`, …); a
/// secret whose current version is deleted or destroyed counts as absent. Deleting
/// removes the metadata and every version (`DELETE <mount>/metadata/<path>`).
///
/// Auth is a token (`X-Vault-Token`) or an AppRole login; an AppRole token is cached,
/// renewed with `auth/token/renew-self` once two thirds of its lease have passed, and
/// replaced by a new login when renewal is no longer possible or when the server
/// rejects it (a request refused with 403 is retried once with a fresh token, after
/// `auth/token/lookup-self` shows that the token itself, not the policy, was refused).
/// `namespace` is sent as `X-Vault-Namespace` on every request, login included.
///
/// **KV version 1 mounts** are detected on first use (`sys/internal/ui/mounts/<mount>`).
/// They keep no versions and have no `custom_metadata`, so on them tresor can store no
/// ownership mark and make no conditional write: ``capabilities`` is then empty,
/// `vaultVersion` and `mark` are always nil, ``listManaged()`` finds nothing, a create
/// checks for absence just before writing (not atomic) and an update overwrites.
/// Without marks, every existing secret on a KV v1 mount looks unmanaged to the
/// engine, which therefore refuses to change it unless the Secret says `adopt: true`.
///
/// Errors never contain secret values; they name the server address, the API path and
/// what to do.
///
/// ```swift
/// let vault = HashiCorpAdapter(config: provider, http: client, credentials: resolver.credential)
/// let written = try await vault.write(at: "db/main", content: content, mark: mark, expected: .absent)
/// ```
public struct HashiCorpAdapter: VaultAdapter {
    /// The provider block this adapter was made from.
    public let config: HashiCorpProvider
    let transport: HashiCorpTransport
    let session: HashiCorpSession
    let mountInfo: HashiCorpMountInfo
    /// The mount, without slashes at either end.
    let mount: String
    /// The path prefix as segments (empty when there is none).
    let prefix: [String]

    /// An adapter for one VaultProfile's `hashicorp` block. Nothing is sent until the
    /// first operation; `credentials` turns the token or AppRole ids' value sources into
    /// their values and is called when a token is needed.
    public init(
        config: HashiCorpProvider, http: any HTTPClient, credentials: @escaping @Sendable (CredentialSource) throws -> String
    ) {
        self.init(config: config, http: http, credentials: credentials, now: { ContinuousClock.now })
    }

    /// The same, with the clock that times token renewal (for tests).
    init(
        config: HashiCorpProvider, http: any HTTPClient, credentials: @escaping @Sendable (CredentialSource) throws -> String,
        now: @escaping @Sendable () -> ContinuousClock.Instant
    ) {
        self.config = config
        let tls = TLSOptions(config.tls)
        var address = config.address
        while address.hasSuffix("/") { address.removeLast() }
        let namespace = config.namespace.flatMap { $0.isEmpty ? nil : $0 }
        transport = HashiCorpTransport(address: address, namespace: namespace, tls: tls, http: http)
        session = HashiCorpSession(auth: config.auth, transport: transport, credentials: credentials, now: now)
        mountInfo = HashiCorpMountInfo()
        mount = HashiCorpPath.segments(of: config.mount).joined(separator: "/")
        prefix = HashiCorpPath.segments(of: config.pathPrefix ?? "")
    }

    /// Versions, marks and compare-and-set on KV v2; nothing on a KV v1 mount. Until the
    /// first operation (or ``connect()``) has found out which the mount is, KV v2 is assumed.
    public var capabilities: VaultCapabilities {
        mountInfo.known == .v1 ? [] : [.versions, .metadataMarks, .compareAndSet]
    }

    /// Logs in (AppRole) or checks the token, finds out the mount's KV version and
    /// returns the capabilities that follow. Optional: every operation does this itself.
    @discardableResult
    public func connect() async throws -> VaultCapabilities {
        _ = try await session.token()
        _ = try await kvVersion()
        return capabilities
    }

    /// The mount's KV version, detected once.
    func kvVersion() async throws -> HashiCorpKVVersion {
        if let known = mountInfo.known { return known }
        return try await mountInfo.detectOnce { try await self.detectKVVersion() }
    }

    private func detectKVVersion() async throws -> HashiCorpKVVersion {
        let apiPath = "sys/internal/ui/mounts/" + HashiCorpPath.encode(mount)
        let response = try await call("GET", apiPath)
        let detected: HashiCorpKVVersion
        switch response.status {
        case 200:
            let body = try transport.decode(HashiCorpMountResponse.self, from: response, apiPath: apiPath)
            if let type = body.data.type, type != "kv", type != "generic" {
                throw VaultError(
                    .invalidRequest,
                    "\(transport.server): mount '\(mount)' is a '\(type)' secrets engine, not KV; set the VaultProfile's mount to a KV mount")
            }
            detected = body.data.options?.version == "1" ? .v1 : .v2
        case 403, 404:
            // Not allowed to look (the token has no capability on the mount itself, or
            // there is no such mount): assume v2; the operations then report what is
            // wrong with messages about their own paths.
            detected = .v2
        default:
            throw transport.failure(response, method: "GET", apiPath: apiPath)
        }
        return detected
    }

    /// Sends one request with the current token. A 403 caused by an expired or revoked
    /// token (not by the policy) is retried once with a new token.
    func call(_ method: String, _ apiPath: String, query: String? = nil, body: [UInt8]? = nil) async throws -> HTTPResponse {
        let token = try await session.token()
        let response = try await transport.send(method, apiPath, query: query, body: body, token: token)
        guard response.status == 403 else { return response }
        guard let fresh = try await session.recover(afterRejectionOf: token) else { return response }
        return try await transport.send(method, apiPath, query: query, body: body, token: fresh)
    }

    /// The API path segments of a secret: prefix, then the relative path, validated.
    func secretPath(_ path: String) throws -> String {
        let relative = try HashiCorpPath.validated(path, server: transport.server)
        return HashiCorpPath.encode((prefix + relative).joined(separator: "/"))
    }

    /// `<mount>/<kind>/<prefix>/<path>` for KV v2 (`kind` is `data` or `metadata`).
    func v2Path(_ kind: String, _ path: String) throws -> String {
        HashiCorpPath.encode(mount) + "/" + kind + "/" + (try secretPath(path))
    }

    /// `<mount>/<prefix>/<path>` for KV v1.
    func v1Path(_ path: String) throws -> String {
        HashiCorpPath.encode(mount) + "/" + (try secretPath(path))
    }
}

/// The two KV secrets engine versions.
enum HashiCorpKVVersion: Sendable, Hashable {
    case v1, v2
}

/// The mount's KV version once known, readable without suspension for ``HashiCorpAdapter/capabilities``.
final class HashiCorpMountInfo: Sendable {
    private struct State {
        var known: HashiCorpKVVersion?
        var detecting: Task<HashiCorpKVVersion, any Error>?
    }

    private let state = Mutex(State())

    var known: HashiCorpKVVersion? { state.withLock { $0.known } }

    /// The version from one detection, however many requests of a pass ask for it at
    /// once; a detection that fails is not kept, so the next request tries again.
    func detectOnce(_ detect: @escaping @Sendable () async throws -> HashiCorpKVVersion) async throws -> HashiCorpKVVersion {
        let task = state.withLock { state in
            if let running = state.detecting { return running }
            let started = Task { try await detect() }
            state.detecting = started
            return started
        }
        do {
            let version = try await task.value
            state.withLock { $0.known = version }
            return version
        } catch {
            state.withLock { if $0.detecting == task { $0.detecting = nil } }
            throw error
        }
    }
}
