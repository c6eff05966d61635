/// The work queue's bookkeeping without any I/O or waiting (the actor `WorkQueue` is the
/// shell): a key is queued at most once, never handed to two workers at once, and a key
/// added while being processed is queued again when its worker is done. Never-synced
/// and changed secrets go to a priority lane that is served first.
public struct WorkQueueState: Sendable {
    public enum Lane: Sendable { case priority, normal }

    private var priority: [String] = []
    private var normal: [String] = []
    private var priorityHead = 0
    private var normalHead = 0
    private var queued: [String: Lane] = [:]
    private var processing: Set<String> = []
    /// Keys added while processing, with the lane they asked for.
    private var dirty: [String: Lane] = [:]
    public private(set) var isShutDown = false

    public init() {}

    /// Keys waiting (not counting those being processed).
    public var depth: Int { queued.count }
    /// Of those, the keys waiting in the priority lane.
    public private(set) var priorityDepth = 0
    public var inFlight: Int { processing.count }

    public mutating func add(_ key: String, lane: Lane = .normal) {
        guard !isShutDown else { return }
        if processing.contains(key) {
            if dirty[key] != .priority { dirty[key] = lane }
            return
        }
        switch (queued[key], lane) {
        case (nil, _):
            append(key, lane)
        case (.normal, .priority):
            // Promoted: the stale entry in the normal lane is skipped when reached.
            append(key, .priority)
        default:
            break
        }
    }

    /// The next key to process, priority lane first; nil when nothing is waiting.
    public mutating func next() -> String? {
        guard !isShutDown else { return nil }
        guard let key = pop(.priority) ?? pop(.normal) else { return nil }
        processing.insert(key)
        return key
    }

    /// Marks `key` done; a key added meanwhile is queued again.
    public mutating func done(_ key: String) {
        processing.remove(key)
        if let lane = dirty.removeValue(forKey: key), !isShutDown { append(key, lane) }
    }

    /// Hands out no more keys; processing ones may still finish.
    public mutating func shutDown() {
        isShutDown = true
    }

    private mutating func append(_ key: String, _ lane: Lane) {
        queued[key] = lane
        if lane == .priority {
            priority.append(key)
            priorityDepth += 1
        } else {
            normal.append(key)
        }
    }

    private mutating func pop(_ lane: Lane) -> String? {
        while true {
            let key: String
            if lane == .priority {
                guard priorityHead < priority.count else { return nil }
                key = priority[priorityHead]
                priorityHead += 1
            } else {
                guard normalHead < normal.count else { return nil }
                key = normal[normalHead]
                normalHead += 1
            }
            compact()
            // Entries left behind by a promotion or already taken from the other lane.
            guard queued[key] == lane else { continue }
            queued.removeValue(forKey: key)
            if lane == .priority { priorityDepth -= 1 }
            return key
        }
    }

    private mutating func compact() {
        if priorityHead > 1024, priorityHead * 2 > priority.count {
            priority.removeFirst(priorityHead)
            priorityHead = 0
        }
        if normalHead > 1024, normalHead * 2 > normal.count {
            normal.removeFirst(normalHead)
            normalHead = 0
        }
    }
}
