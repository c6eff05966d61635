import Foundation
import Testing

@testable import TresorCore

@Suite struct BlockingIOTests {
    /// Eight jobs that each block until all eight are running: they finish only when
    /// the pool runs them side by side, as it must for fsyncs to commit as a group.
    @Test func blockedJobsRunSideBySide() async throws {
        let pool = BlockingIO(maxThreads: 8)
        let rendezvous = Rendezvous(expected: 8)
        let met = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 { group.addTask { try await pool.run { rendezvous.arriveAndWait() } } }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(met == Array(repeating: true, count: 8))
    }

    @Test func resultsAndErrorsReachTheCaller() async throws {
        struct Failure: Error {}
        let pool = BlockingIO(maxThreads: 2)
        let sums = try await withThrowingTaskGroup(of: Int.self) { group in
            for value in 0..<100 { group.addTask { try await pool.run { value * 2 } } }
            return try await group.reduce(0, +)
        }
        #expect(sums == 9900)
        await #expect(throws: Failure.self) { try await pool.run { throw Failure() } }
    }
}

/// Waits until `expected` threads have arrived; gives up after 20 s so that a pool
/// with too few threads fails the test instead of hanging it.
private final class Rendezvous: @unchecked Sendable {
    private let condition = NSCondition()
    private var arrived = 0
    private let expected: Int

    init(expected: Int) {
        self.expected = expected
    }

    func arriveAndWait() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        arrived += 1
        condition.broadcast()
        let deadline = Date().addingTimeInterval(20)
        while arrived < expected {
            if !condition.wait(until: deadline) { return false }
        }
        return true
    }
}

@Suite struct ConcurrentMapTests {
    @Test func resultsKeepTheOrderAcrossChunkBoundaries() {
        for count in [0, 1, 63, 64, 65, 1000] {
            let input = Array(0..<count)
            #expect(input.concurrentMap(chunk: 64) { $0 * 3 } == input.map { $0 * 3 })
        }
        #expect(["a", "b"].concurrentMap(chunk: 0) { $0 + "!" } == ["a!", "b!"])
    }
}
