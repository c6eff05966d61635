import Testing
import TresorDaemon

struct WorkQueueStateTests {
    /// A queue given `keys`, then `priority` in the priority lane, each in order.
    static func queue(_ keys: [String], priority: [String]) -> WorkQueueState {
        var queue = WorkQueueState()
        for key in keys { queue.add(key) }
        for key in priority { queue.add(key, lane: .priority) }
        return queue
    }

    @Test func keysAreQueuedOnce() {
        var queue = WorkQueueState()
        queue.add("a")
        queue.add("b")
        queue.add("a")
        #expect(queue.depth == 2)
        #expect(queue.next() == "a")
        #expect(queue.next() == "b")
        #expect(queue.next() == nil)
    }

    @Test func neverSyncedSecretsGoFirst() {
        var queue = Self.queue(["old-1", "old-2"], priority: ["new", "old-2"])
        #expect([queue.next(), queue.next(), queue.next(), queue.next()] == ["new", "old-2", "old-1", nil])
    }

    @Test func priorityDepthCountsTheKeysWaitingInThePriorityLane() {
        var queue = Self.queue(["old", "promoted"], priority: ["new", "promoted", "new"])
        #expect((queue.depth, queue.priorityDepth) == (3, 2))
        #expect(queue.next() == "new")
        #expect(queue.priorityDepth == 1)
        queue.add("new", lane: .priority)
        queue.done("new")
        #expect((queue.depth, queue.priorityDepth) == (3, 2), "added while processing, queued again in its lane")
        #expect([queue.next(), queue.next(), queue.next()] == ["promoted", "new", "old"])
        #expect((queue.depth, queue.priorityDepth) == (0, 0))
    }

    @Test func aKeyAddedWhileProcessingRunsAgainAfterwardsNotAlongside() {
        var queue = WorkQueueState()
        queue.add("a")
        #expect(queue.next() == "a")
        queue.add("a")
        queue.add("a")
        #expect(queue.next() == nil, "never handed to two workers at once")
        queue.done("a")
        #expect(queue.next() == "a")
        queue.done("a")
        #expect(queue.next() == nil)
        #expect(queue.inFlight == 0)
    }

    @Test func shutDownHandsOutNothingMore() {
        var queue = WorkQueueState()
        queue.add("a")
        queue.add("b")
        #expect(queue.next() == "a")
        queue.shutDown()
        queue.add("c")
        #expect(queue.next() == nil)
        queue.done("a")
        #expect(queue.inFlight == 0)
    }

    @Test func manyKeysKeepTheirOrderAcrossCompaction() {
        var queue = WorkQueueState()
        for index in 0..<5_000 { queue.add("k\(index)") }
        var order: [String] = []
        while let key = queue.next() {
            order.append(key)
            queue.done(key)
        }
        #expect(order == (0..<5_000).map { "k\($0)" })
    }
}

struct WorkQueueTests {
    @Test func waitingWorkersGetKeysAndNilAtShutdown() async {
        let queue = WorkQueue()
        async let first = queue.next()
        async let second = queue.next()
        await queue.add("x")
        await queue.add("y")
        let got = await Set([first, second])
        #expect(got == ["x", "y"])
        async let third = queue.next()
        await queue.shutDown()
        #expect(await third == nil)
    }
}
