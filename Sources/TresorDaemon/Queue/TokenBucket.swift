/// A token bucket (`rateLimit: {qps, burst}`): `burst` tokens at most, refilled at `qps`
/// a second. Pure: the caller passes the time, so tests need no clock.
public struct TokenBucket: Sendable, Hashable {
    public let qps: Double
    public let burst: Int
    private var tokens: Double
    private var updated: Duration

    /// - Parameter now: time since any fixed origin the caller keeps using.
    public init(qps: Double, burst: Int, now: Duration) {
        self.qps = qps
        self.burst = max(burst, 1)
        self.tokens = Double(max(burst, 1))
        self.updated = now
    }

    /// Takes one token: returns nil when one was available, else how long to wait before
    /// the token reserved now becomes available (the wait of later callers queues behind it).
    public mutating func take(now: Duration) -> Duration? {
        refill(now)
        tokens -= 1
        guard tokens < 0 else { return nil }
        return .milliseconds(Int64((-tokens / qps * 1000).rounded(.up)))
    }

    private mutating func refill(_ now: Duration) {
        guard now > updated else { return }
        tokens = min(Double(burst), tokens + Backoff.seconds(now - updated) * qps)
        updated = now
    }
}
