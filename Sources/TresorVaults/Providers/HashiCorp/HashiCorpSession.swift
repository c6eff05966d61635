import Foundation
import TresorCore

/// The token every request carries: resolved from its source (token auth) or obtained
/// by an AppRole login, cached, renewed before its lease runs out and replaced when the
/// server rejects it. Concurrent callers share one login or renewal.
actor HashiCorpSession {
    /// A token and the times that matter for it.
    struct Lease: Sendable {
        var token: String
        /// When to renew (two thirds into the lease); nil for a token that does not expire.
        var renewAt: ContinuousClock.Instant?
        var expiresAt: ContinuousClock.Instant?
        /// False when the next refresh must be a new login (not renewable, or renewal no
        /// longer extends the lease because it reached its maximum TTL).
        var renewable: Bool
        /// The lease the login gave, in seconds.
        var loginLease: Int
    }

    let auth: HashiCorpAuth
    let transport: HashiCorpTransport
    let credentials: @Sendable (CredentialSource) throws -> String
    let now: @Sendable () -> ContinuousClock.Instant

    private var current: Lease?
    private var refreshing: Task<Lease, any Error>?
    /// How many AppRole logins and renewals were made (for tests and metrics).
    private(set) var logins = 0
    private(set) var renewals = 0

    init(
        auth: HashiCorpAuth, transport: HashiCorpTransport, credentials: @escaping @Sendable (CredentialSource) throws -> String,
        now: @escaping @Sendable () -> ContinuousClock.Instant
    ) {
        self.auth = auth
        self.transport = transport
        self.credentials = credentials
        self.now = now
    }

    /// A token to send now: the cached one, unless it is due for renewal.
    func token() async throws -> String {
        if let current, !isDue(current) { return current.token }
        return try await refresh().token
    }

    /// After a 403 on a request sent with `token`: a new token when that one was
    /// rejected (expired, revoked) and a new one could be had; nil when the token is
    /// valid and the policy refused the request.
    func recover(afterRejectionOf token: String) async throws -> String? {
        if let current, current.token != token { return current.token }
        let check = try await transport.send("GET", "auth/token/lookup-self", token: token)
        if check.status == 200 { return nil }
        if let current, current.token != token { return current.token }
        switch auth {
        case .token(let source):
            let value = try resolve(source, what: "token")
            guard value != token else {
                throw VaultError(
                    .permissionDenied,
                    "\(transport.server) rejected the token from \(Self.describe(source)) (expired, revoked or not a token of this server, since even auth/token/lookup-self is refused); provide a valid token there")
            }
            current = Lease(token: value, renewAt: nil, expiresAt: nil, renewable: false, loginLease: 0)
            return value
        case .appRole:
            current = nil
            return try await refresh().token
        }
    }

    private func isDue(_ lease: Lease) -> Bool {
        guard let renewAt = lease.renewAt else { return false }
        return now() >= renewAt
    }

    /// One renewal or login at a time; callers arriving meanwhile share its result.
    private func refresh() async throws -> Lease {
        if let refreshing { return try await refreshing.value }
        let previous = current
        let task = Task { try await self.obtain(replacing: previous) }
        refreshing = task
        defer { refreshing = nil }
        let lease = try await task.value
        current = lease
        return lease
    }

    private func obtain(replacing previous: Lease?) async throws -> Lease {
        switch auth {
        case .token(let source):
            let value = try resolve(source, what: "token")
            return Lease(token: value, renewAt: nil, expiresAt: nil, renewable: false, loginLease: 0)
        case .appRole(let role):
            if let previous, previous.renewable, let expiresAt = previous.expiresAt, now() < expiresAt {
                do {
                    return try await renew(previous)
                } catch let error as VaultError where error.isTransient {
                    throw error
                } catch {
                    // Refused (revoked, past its maximum TTL): log in anew.
                }
            }
            return try await login(role)
        }
    }

    private func login(_ role: AppRoleAuth) async throws -> Lease {
        let roleId = try resolve(role.roleId, what: "AppRole roleId")
        let secretId = try resolve(role.secretId, what: "AppRole secretId")
        let body = try JSONEncoder().encode(["role_id": roleId, "secret_id": secretId])
        let apiPath = "auth/" + HashiCorpPath.encode(HashiCorpPath.segments(of: role.mount).joined(separator: "/")) + "/login"
        let response = try await transport.send("POST", apiPath, body: Array(body), token: nil)
        logins += 1
        switch response.status {
        case 200:
            break
        case 400, 403:
            let said = transport.serverErrors(response)
            throw VaultError(
                .permissionDenied,
                "AppRole login to \(transport.server) at /v1/\(apiPath) failed\(said.isEmpty ? "" : " (\(said))"): check the roleId (\(Self.describe(role.roleId))) and secretId (\(Self.describe(role.secretId))), that the secret id has not expired or run out of uses, and the AppRole mount '\(role.mount)'")
        default:
            throw transport.failure(response, method: "POST", apiPath: apiPath)
        }
        let auth = try leaseBlock(response, apiPath: apiPath)
        let seconds = auth.leaseSeconds
        return lease(auth, seconds: seconds, loginLease: seconds)
    }

    private func renew(_ previous: Lease) async throws -> Lease {
        let apiPath = "auth/token/renew-self"
        let response = try await transport.send("POST", apiPath, body: Array("{}".utf8), token: previous.token)
        renewals += 1
        guard response.status == 200 else { throw transport.failure(response, method: "POST", apiPath: apiPath) }
        let auth = try leaseBlock(response, apiPath: apiPath)
        let seconds = auth.leaseSeconds
        var lease = lease(auth, seconds: seconds, loginLease: previous.loginLease)
        // Capped by the maximum TTL: renewing again would gain little; log in next time.
        if seconds * 2 < previous.loginLease { lease.renewable = false }
        return lease
    }

    private func leaseBlock(_ response: HTTPResponse, apiPath: String) throws -> HashiCorpAuthResponse.Body {
        guard let auth = try transport.decode(HashiCorpAuthResponse.self, from: response, apiPath: apiPath).auth else {
            throw VaultError(.corrupted, "\(transport.server): the response to /v1/\(apiPath) has no auth block")
        }
        return auth
    }

    private func lease(_ auth: HashiCorpAuthResponse.Body, seconds: Int, loginLease: Int) -> Lease {
        let start = now()
        guard seconds > 0 else {
            return Lease(token: auth.clientToken, renewAt: nil, expiresAt: nil, renewable: false, loginLease: loginLease)
        }
        return Lease(
            token: auth.clientToken, renewAt: start + .milliseconds(seconds * 2000 / 3), expiresAt: start + .seconds(seconds),
            renewable: auth.renewable ?? false, loginLease: loginLease)
    }

    private func resolve(_ source: CredentialSource, what: String) throws -> String {
        let value: String
        do {
            value = try credentials(source)
        } catch {
            throw VaultError(
                .invalidRequest, "\(transport.server): cannot read the \(what) from \(Self.describe(source)): \(error)")
        }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw VaultError(.invalidRequest, "\(transport.server): the \(what) from \(Self.describe(source)) is empty")
        }
        return trimmed
    }

    static func describe(_ source: CredentialSource) -> String {
        switch source {
        case .fromEnv(let name): "environment variable \(name)"
        case .fromFile(let path): "file \(path)"
        case .sealed: "a sealed value"
        }
    }
}
