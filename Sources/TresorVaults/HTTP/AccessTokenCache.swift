/// An OAuth2 access token, fetched once and shared by every request until shortly before
/// it expires (a tenth of its lifetime, at most a minute, early), or until the service
/// rejects it. Concurrent callers share one fetch.
actor AccessTokenCache {
    struct Grant: Sendable {
        var token: String
        /// `expires_in`, as the token endpoint gave it.
        var lifetime: Duration
    }

    private let fetch: @Sendable () async throws -> Grant
    private let now: @Sendable () -> ContinuousClock.Instant
    private var current: (token: String, refreshAt: ContinuousClock.Instant)?
    private var fetching: Task<Grant, any Error>?

    init(now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }, fetch: @escaping @Sendable () async throws -> Grant) {
        self.fetch = fetch
        self.now = now
    }

    /// A token to send now.
    func token() async throws -> String {
        if let current, now() < current.refreshAt { return current.token }
        return try await refresh()
    }

    /// After the service answered 401 to a request carrying `token`: drops it (unless a
    /// newer one replaced it meanwhile) and returns a fresh one.
    func replace(rejected token: String) async throws -> String {
        if let current, current.token != token { return current.token }
        current = nil
        return try await refresh()
    }

    private func refresh() async throws -> String {
        if let fetching { return try await fetching.value.token }
        let task = Task { try await fetch() }
        fetching = task
        defer { fetching = nil }
        let grant = try await task.value
        let early = min(grant.lifetime / 10, .seconds(60))
        current = (grant.token, now() + grant.lifetime - early)
        return grant.token
    }
}
