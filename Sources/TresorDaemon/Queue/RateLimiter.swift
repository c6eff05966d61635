import TresorCore

/// One token bucket per vault profile that declares `spec.rateLimit`. A secret's pass
/// takes a token from each profile it touches before it starts; profiles without a limit
/// cost nothing.
public actor RateLimiter {
    private var buckets: [String: TokenBucket] = [:]
    private var limits: [String: RateLimit] = [:]
    private let clock: DaemonClock

    public init(clock: DaemonClock) {
        self.clock = clock
    }

    /// Takes the profiles' limits from the manifests; a changed limit starts a full bucket.
    public func configure(_ profiles: [String: VaultProfile]) {
        let now = clock.now()
        var next: [String: RateLimit] = [:]
        for (name, profile) in profiles {
            if let limit = profile.spec.rateLimit { next[name] = limit }
        }
        for (name, limit) in next where limits[name] != limit {
            buckets[name] = TokenBucket(qps: limit.qps, burst: limit.burst, now: now)
        }
        for name in limits.keys where next[name] == nil { buckets.removeValue(forKey: name) }
        limits = next
    }

    /// How long to wait before a pass over these profiles may start (the tokens are
    /// taken now).
    public func reserve(_ profiles: [String]) -> Duration {
        let now = clock.now()
        var wait = Duration.zero
        for profile in Set(profiles) {
            guard var bucket = buckets[profile] else { continue }
            if let delay = bucket.take(now: now) { wait = max(wait, delay) }
            buckets[profile] = bucket
        }
        return wait
    }
}
