/// Per-key exponential backoff with jitter: 1 s, 2 s, 4 s … up to 5 min, reset on success.
public struct Backoff: Sendable, Hashable {
    public var base: Duration
    public var cap: Duration
    /// The delay is drawn from [(1 - jitter) × d, d], so failed secrets do not retry in step.
    public var jitter: Double

    public init(base: Duration = .seconds(1), cap: Duration = .seconds(300), jitter: Double = 0.2) {
        self.base = base
        self.cap = cap
        self.jitter = jitter
    }

    /// The delay before retry number `failures` (1 for the first failure).
    /// - Parameter unit: a number in [0, 1) (the random draw; injected so tests are exact).
    public func delay(failures: Int, unit: Double) -> Duration {
        let exponent = min(max(failures - 1, 0), 30)
        let capSeconds = Self.seconds(cap)
        let full = min(Self.seconds(base) * Double(1 << exponent), capSeconds)
        let jittered = full * (1 - jitter * unit)
        return .milliseconds(Int64((jittered * 1000).rounded()))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
