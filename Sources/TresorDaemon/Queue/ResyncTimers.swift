import Synchronization

/// When each secret is due again (drift resync or backoff retry): a heap of deadlines and
/// one task sleeping until the earliest, instead of a sleeping task per secret — 100,000
/// of those held 216 MiB. Scheduling a key replaces its earlier timer; a replaced or
/// cancelled timer stays in the heap until it comes up, and is skipped then.
final class ResyncTimers: Sendable {
    fileprivate struct Entry {
        var deadline: Duration
        var key: String
        var serial: UInt64
    }

    fileprivate struct State {
        var heap: [Entry] = []
        /// Key → (serial of its live timer, deadline).
        var live: [String: (serial: UInt64, deadline: Duration)] = [:]
        var serial: UInt64 = 0
        var sleeper: Task<Void, Never>?
        var wakeAt: Duration?
        var stopped = false
    }

    private let state = Mutex(State())
    private let clock: DaemonClock
    private let fire: @Sendable ([String]) async -> Void

    /// - Parameter fire: called with the keys whose time has come, in deadline order.
    init(clock: DaemonClock, fire: @escaping @Sendable ([String]) async -> Void) {
        self.clock = clock
        self.fire = fire
    }

    func schedule(_ key: String, after delay: Duration) {
        let deadline = clock.now() + delay
        state.withLock { state in
            guard !state.stopped else { return }
            state.serial += 1
            state.live[key] = (state.serial, deadline)
            state.push(Entry(deadline: deadline, key: key, serial: state.serial))
            if state.wakeAt.map({ deadline < $0 }) ?? true { wake(&state) }
        }
    }

    func cancel(_ key: String) {
        state.withLock { _ = $0.live.removeValue(forKey: key) }
    }

    /// Cancels every timer; nothing fires afterwards.
    func stop() {
        state.withLock { state in
            state.stopped = true
            state.live.removeAll()
            state.heap.removeAll()
            state.sleeper?.cancel()
            state.sleeper = nil
        }
    }

    /// Each key with a timer, and the time left until it fires.
    var pending: [String: Duration] {
        let now = clock.now()
        return state.withLock { state in state.live.mapValues { $0.deadline - now } }
    }

    /// Starts the one sleeper for the earliest live deadline (replacing any other).
    private func wake(_ state: inout State) {
        state.sleeper?.cancel()
        state.sleeper = nil
        state.wakeAt = nil
        state.dropStale()
        guard !state.stopped, let first = state.heap.first else { return }
        state.wakeAt = first.deadline
        let delay = max(.zero, first.deadline - clock.now())
        state.sleeper = Task { [self, clock] in
            do { try await clock.sleep(delay) } catch { return }
            await fireDue()
        }
    }

    private func fireDue() async {
        let now = clock.now()
        let due: [String] = state.withLock { state in
            var due: [String] = []
            while let first = state.heap.first, first.deadline <= now {
                state.pop()
                if state.live[first.key]?.serial == first.serial {
                    state.live.removeValue(forKey: first.key)
                    due.append(first.key)
                }
            }
            wake(&state)
            return due
        }
        if !due.isEmpty { await fire(due) }
    }
}

extension ResyncTimers.State {
    /// Stale entries at the top are dropped so that the sleeper waits for a live one; the
    /// heap is rebuilt when stale entries are most of it.
    fileprivate mutating func dropStale() {
        while let first = heap.first, live[first.key]?.serial != first.serial { pop() }
        if heap.count > 1_024, heap.count > 2 * live.count {
            heap = heap.filter { live[$0.key]?.serial == $0.serial }
            heapify()
        }
    }

    fileprivate mutating func push(_ entry: ResyncTimers.Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    fileprivate mutating func pop() {
        heap.swapAt(0, heap.count - 1)
        heap.removeLast()
        siftDown(0)
    }

    private mutating func heapify() {
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].deadline < heap[smallest].deadline { smallest = left }
            if right < heap.count, heap[right].deadline < heap[smallest].deadline { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
