/// The work queue's shell: workers wait in `next()` until a key is ready or the queue is
/// shut down (then they get nil).
public actor WorkQueue {
    private var state = WorkQueueState()
    private var waiters: [CheckedContinuation<String?, Never>] = []
    /// Called with the keys waiting, and how many of them are in the priority lane.
    private let onDepthChange: @Sendable (_ depth: Int, _ priority: Int) -> Void

    public init(onDepthChange: @escaping @Sendable (_ depth: Int, _ priority: Int) -> Void = { _, _ in }) {
        self.onDepthChange = onDepthChange
    }

    public var depth: Int { state.depth }
    public var inFlight: Int { state.inFlight }

    public func add(_ key: String, lane: WorkQueueState.Lane = .normal) {
        state.add(key, lane: lane)
        handOut()
    }

    public func add(_ keys: some Sequence<String>, lane: WorkQueueState.Lane = .normal) {
        for key in keys { state.add(key, lane: lane) }
        handOut()
    }

    /// The next key to process; nil once the queue is shut down.
    public func next() async -> String? {
        if let key = state.next() {
            onDepthChange(state.depth, state.priorityDepth)
            return key
        }
        if state.isShutDown { return nil }
        return await withCheckedContinuation { waiters.append($0) }
    }

    public func done(_ key: String) {
        state.done(key)
        handOut()
    }

    /// Stops handing out keys and wakes every waiting worker with nil.
    public func shutDown() {
        state.shutDown()
        let waiting = waiters
        waiters.removeAll()
        for waiter in waiting { waiter.resume(returning: nil) }
    }

    private func handOut() {
        while !waiters.isEmpty, let key = state.next() {
            waiters.removeFirst().resume(returning: key)
        }
        onDepthChange(state.depth, state.priorityDepth)
    }
}
