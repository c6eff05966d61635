import Crypto
import Foundation
import TresorCore

/// AWS Secrets Manager (JSON 1.1 API, SigV4-signed).
///
/// A secret at `db/main` under `pathPrefix: payments` is the secret named
/// `payments/db/main`. Its value is one `SecretString` laid out as ``SingleValueLayout`` says;
/// tresor's ownership mark is a set of tags (``AWSMark``); `vaultVersion` is the
/// `VersionId` labelled `AWSCURRENT`.
///
/// Writes: a create is `CreateSecret` with the value and the tags in one call, which
/// fails if the name is taken, so a create never overwrites. An update reads
/// `DescribeSecret` first and refuses with ``VaultError/Kind/conflict`` when the current
/// version is not the one the engine observed, then calls `PutSecretValue`, then tags
/// what changed in the mark (`TagResource`, `UntagResource`). Secrets Manager has no
/// conditional write, so an outside write landing between that `DescribeSecret` and the
/// `PutSecretValue` (a window of one round trip) is not detected: the outside version
/// stays in the secret's history as `AWSPREVIOUS`, and tresor's becomes current.
///
/// Every write carries a `ClientRequestToken` derived from the secret's name, the content
/// fingerprint and the version it replaces: a retried call (the HTTP client's retry after
/// a 503, or a run that repeats a write whose answer it never got) is recognised by
/// Secrets Manager and makes no second version, while writing the same content again
/// later (A → B → A) still makes a new one.
///
/// Deleting uses `deletion.recoveryWindowDays` (7–30, default 30) or `deletion.force`
/// (`ForceDeleteWithoutRecovery`). A secret scheduled for deletion counts as absent; when
/// it is declared again, it is restored (`RestoreSecret`) and then written, keeping its
/// history.
///
/// Costs: `readMetadata` one call (DescribeSecret), `read` two (DescribeSecret for the
/// mark, GetSecretValue), a create one, an update two or three (DescribeSecret,
/// PutSecretValue, then TagResource/UntagResource only when tags change), `delete` one,
/// `listManaged` one ListSecrets per 100 secrets (tags and versions come with it).
///
/// At most 8 control-plane calls (creates, writes, tags, deletes, restores) are in flight
/// per adapter (``AWSWriteGate``); reads are not bounded. A throttled call is retried
/// twice after a short jittered pause, a server error once; then the error is reported
/// (throttling as ``VaultError/Kind/rateLimited``, for the caller's backoff).
///
/// Errors never contain secret values; they name the endpoint, the region, the
/// operation, the secret and, for credential problems, the vault profile and where its
/// keys come from.
public struct AWSAdapter: VaultAdapter {
    public let config: AWSProvider
    let transport: AWSTransport
    /// The path prefix as segments (empty when there is none).
    let prefix: [String]

    /// An adapter for one VaultProfile's `aws` block. Nothing is sent until the first
    /// operation. `credentials` turns the key sources into values; it is called for
    /// every request, so rotated keys are picked up.
    public init(
        config: AWSProvider, profile: String, http: any HTTPClient,
        credentials: @escaping @Sendable (CredentialSource) throws -> String
    ) {
        self.init(config: config, profile: profile, http: http, credentials: credentials, throttleDelays: [.milliseconds(200), .milliseconds(800)])
    }

    init(
        config: AWSProvider, profile: String, http: any HTTPClient,
        credentials: @escaping @Sendable (CredentialSource) throws -> String, throttleDelays: [Duration]
    ) {
        self.config = config
        transport = AWSTransport(
            endpoint: Self.endpoint(of: config), region: config.region, profile: profile,
            credentials: AWSCredentialProvider(auth: config.auth, profile: profile, resolve: credentials), http: http,
            throttleDelays: throttleDelays)
        prefix = (config.pathPrefix ?? "").split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    /// The configured endpoint, or the region's, without a trailing slash.
    static func endpoint(of config: AWSProvider) -> String {
        var endpoint = config.endpoint.flatMap { $0.isEmpty ? nil : $0 } ?? "https://secretsmanager.\(config.region).amazonaws.com"
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        return endpoint
    }

    /// Versions (readable by `VersionId`), tags as marks, soft delete. Creates are
    /// conditional (they fail when the name is taken); updates are checked against the
    /// observed version just before writing (see the type's documentation).
    public var capabilities: VaultCapabilities { [.versions, .metadataMarks, .softDelete, .compareAndSet] }

    /// The secret's name: the prefix, then the relative path.
    func secretName(_ path: String) throws -> String {
        try AWSSecretName.validated(prefix: prefix, path: path, server: transport.server)
    }

    /// DescribeSecret; nil when there is no such secret.
    func describe(_ name: String) async throws -> AWSSecretDescription? {
        do {
            let response = try await transport.call("DescribeSecret", AWSSecretIdRequest(secretId: name), secret: name)
            return try transport.decode(AWSSecretDescription.self, from: response, action: "DescribeSecret")
        } catch let error as VaultError where error.kind == .notFound {
            return nil
        }
    }

    /// The metadata tresor reports for a described, live secret.
    func metadata(path: String, _ description: AWSSecretDescription) throws -> VaultEntryMetadata {
        VaultEntryMetadata(
            path: path, vaultVersion: description.currentVersion,
            mark: try AWSMark.decode(description.tags, path: path, server: transport.server),
            updatedAt: description.lastChangedDate.map { Date(timeIntervalSince1970: $0) })
    }

    /// A `ClientRequestToken`: a UUID-shaped digest of the secret, the content fingerprint
    /// and the version the write replaces (`-` for none).
    static func requestToken(name: String, fingerprint: String, replacing previous: String?) -> String {
        var hash = SHA256()
        for part in ["tresor-aws-write-v1", name, fingerprint, previous ?? "-"] {
            hash.update(data: Array(part.utf8) + [0])
        }
        let hex = Hex.encode(hash.finalize().prefix(16))
        var token = ""
        for (index, character) in hex.enumerated() {
            if [8, 12, 16, 20].contains(index) { token.append("-") }
            token.append(character)
        }
        return token
    }
}

/// Secret names: the prefix and path segments joined by `/`, in the characters Secrets
/// Manager allows (``VaultPathLimits/awsNameProblem(prefix:path:)``).
enum AWSSecretName {
    static func validated(prefix: [String], path: String, server: String) throws -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var problem: String?
        if path.isEmpty {
            problem = "is empty"
        } else if segments.contains(where: \.isEmpty) {
            problem = "has an empty segment or a leading or trailing '/'"
        } else if segments.contains(where: { $0 == "." || $0 == ".." }) {
            problem = "has a '.' or '..' segment"
        } else {
            problem = VaultPathLimits.awsNameProblem(prefix: prefix.joined(separator: "/"), path: path)
        }
        if let problem {
            throw VaultError(.invalidRequest, "\(server): the secret path '\(path)' \(problem); use segments like 'db/main'")
        }
        return (prefix + segments).joined(separator: "/")
    }
}
