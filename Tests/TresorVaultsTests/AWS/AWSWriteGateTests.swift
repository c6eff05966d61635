import Synchronization
import Testing
import TresorTestSupport

@testable import TresorVaults

@Suite("AWS write gate")
struct AWSWriteGateTests {
    final class Counts: Sendable {
        let state = Mutex((running: 0, peak: 0, done: 0))
    }

    @Test func neverRunsMoreThanItsLimitAndRunsEverything() async throws {
        let gate = AWSWriteGate(limit: 3)
        let counts = Counts()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<24 {
                group.addTask {
                    try await gate.run {
                        counts.state.withLock { $0.running += 1; $0.peak = max($0.peak, $0.running) }
                        // Held until three ran at once: a gate that lets fewer in never gets
                        // there; one that lets more in shows a higher peak meanwhile.
                        try await eventually("three calls to run at once") { counts.state.withLock { $0.peak } >= 3 }
                        counts.state.withLock { $0.running -= 1; $0.done += 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
        let final = counts.state.withLock { $0 }
        #expect(final.done == 24)
        #expect(final.peak == 3)
    }

    @Test func aFailingCallFreesItsSlot() async throws {
        struct Boom: Error {}
        let gate = AWSWriteGate(limit: 1)
        await #expect(throws: Boom.self) { try await gate.run { throw Boom() } }
        #expect(try await gate.run { 42 } == 42)
    }
}
