import Synchronization
import Testing
import TresorTestSupport

@testable import TresorDaemon

/// The timers on a clock that moves only when the test moves it: which keys fire and in
/// what order, and that a replaced or cancelled timer never fires.
struct ResyncTimersTests {
    /// Time stands still until `advance`; a sleeper notices within a millisecond of real time.
    final class ManualClock: Sendable {
        private let now = Mutex(Duration.zero)
        /// When each sleep in progress ends, by sleep.
        private let sleeps = Mutex<(next: Int, until: [Int: Duration])>((0, [:]))

        var clock: DaemonClock {
            DaemonClock(
                now: { [self] in now.withLock { $0 } },
                sleep: { [self] duration in
                    let until = now.withLock { $0 } + duration
                    let id = sleeps.withLock { sleeps in
                        sleeps.next += 1
                        sleeps.until[sleeps.next] = until
                        return sleeps.next
                    }
                    defer { _ = sleeps.withLock { $0.until.removeValue(forKey: id) } }
                    while now.withLock({ $0 }) < until { try await Task.sleep(for: .milliseconds(1)) }
                },
                date: { .now }, random: { 0.5 })
        }

        /// The ends of the sleeps in progress: a sleep starts after the task that sleeps
        /// does, so the test waits for it before moving time.
        var sleepingUntil: [Duration] { sleeps.withLock { $0.until.values.sorted() } }

        func advance(by duration: Duration) {
            now.withLock { $0 += duration }
        }

        /// Resync timers on this clock, and the keys they fire.
        func timers() -> (ResyncTimers, Fired) {
            let fired = Fired()
            return (ResyncTimers(clock: clock) { fired.add($0) }, fired)
        }
    }

    /// The keys the timers fired, in order.
    final class Fired: Sendable {
        private let keys = Mutex<[String]>([])

        var all: [String] { keys.withLock { $0 } }

        func add(_ new: [String]) {
            keys.withLock { $0 += new }
        }
    }

    @Test func keysFireInDeadlineOrderAndReplacedOrCancelledTimersNever() async throws {
        let manual = ManualClock()
        let (timers, fired) = manual.timers()
        timers.schedule("a", after: .seconds(10))
        timers.schedule("b", after: .seconds(5))
        timers.schedule("c", after: .seconds(20))
        timers.schedule("a", after: .seconds(30))
        timers.cancel("c")
        #expect(timers.pending == ["a": .seconds(30), "b": .seconds(5)])

        try await eventually("one sleep, until b") { manual.sleepingUntil == [.seconds(5)] }
        manual.advance(by: .seconds(6))
        try await eventually("b fires") { fired.all == ["b"] }
        #expect(timers.pending == ["a": .seconds(24)])
        try await eventually("one sleep, until a") { manual.sleepingUntil == [.seconds(30)] }

        // c (cancelled) and a's first timer (replaced) were due before a's second: had
        // either fired, it would come before a.
        manual.advance(by: .seconds(25))
        try await eventually("a fires") { fired.all.count >= 2 }
        #expect(fired.all == ["b", "a"])
        #expect(timers.pending.isEmpty)
        timers.stop()
    }

    @Test func anEarlierTimerScheduledWhileTheSleeperWaitsForALaterOneFiresFirst() async throws {
        let manual = ManualClock()
        let (timers, fired) = manual.timers()
        timers.schedule("late", after: .seconds(600))
        timers.schedule("soon", after: .seconds(1))
        try await eventually("one sleep, until soon") { manual.sleepingUntil == [.seconds(1)] }
        manual.advance(by: .seconds(2))
        try await eventually("soon fires") { fired.all == ["soon"] }
        timers.stop()
        manual.advance(by: .seconds(600))
        timers.schedule("after-stop", after: .zero)
        #expect(timers.pending.isEmpty, "a stopped set of timers takes no more")
    }
}
