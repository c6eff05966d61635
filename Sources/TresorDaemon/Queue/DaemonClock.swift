import Foundation

/// The daemon's sense of time, injected so that tests of backoff, rate limits and resync
/// never wait for real seconds.
public struct DaemonClock: Sendable {
    /// Monotonic time since a fixed origin.
    public var now: @Sendable () -> Duration
    /// Waits `duration`; throws when the task is cancelled.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// Wall time for status records.
    public var date: @Sendable () -> Date
    /// A number in [0, 1) for jitter.
    public var random: @Sendable () -> Double

    public init(
        now: @escaping @Sendable () -> Duration, sleep: @escaping @Sendable (Duration) async throws -> Void,
        date: @escaping @Sendable () -> Date, random: @escaping @Sendable () -> Double
    ) {
        self.now = now
        self.sleep = sleep
        self.date = date
        self.random = random
    }

    public static var system: DaemonClock {
        let clock = ContinuousClock()
        let origin = clock.now
        return DaemonClock(
            now: { clock.now - origin }, sleep: { try await Task.sleep(for: $0) }, date: { Date() },
            random: { Double.random(in: 0..<1) })
    }
}
