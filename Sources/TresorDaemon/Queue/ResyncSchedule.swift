/// When a secret is checked again for drift: its `refreshInterval`, spread by ±`jitter`
/// so that secrets loaded together do not all fire together.
public struct ResyncSchedule: Sendable, Hashable {
    public var jitter: Double

    public init(jitter: Double = 0.1) {
        self.jitter = jitter
    }

    /// - Parameter unit: a number in [0, 1) (the random draw).
    public func delay(interval seconds: Int, unit: Double) -> Duration {
        let spread = Double(seconds) * (1 + jitter * (2 * unit - 1))
        return .milliseconds(Int64((max(spread, 0.001) * 1000).rounded()))
    }
}
