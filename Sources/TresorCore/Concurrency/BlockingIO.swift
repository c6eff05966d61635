import Foundation

/// Threads of its own for system calls that block: fsync, flock. Swift's cooperative
/// pool has one thread per core, so a pass whose tasks fsync there waits on the disk
/// one write per core at a time, and its HTTP responses wait behind those writes. Here
/// many writes wait together, and the disk commits them as one group.
public final class BlockingIO: @unchecked Sendable {
    /// Shared by the engine and the local vault: enough threads for every secret a
    /// pass reconciles at once.
    public static let shared = BlockingIO(maxThreads: 32)

    private let maxThreads: Int
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var jobs: [() -> Void] = []
    private var nextJob = 0
    private var threads = 0
    private var idle = 0

    public init(maxThreads: Int) {
        self.maxThreads = max(1, maxThreads)
    }

    /// Runs `body` on one of the pool's threads and returns its result.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            submit { continuation.resume(with: Result { try body() }) }
        }
    }

    private func submit(_ job: @escaping () -> Void) {
        condition.lock()
        jobs.append(job)
        let pending = jobs.count - nextJob
        let start = pending > idle && threads < maxThreads
        if start { threads += 1 }
        condition.signal()
        condition.unlock()
        if start {
            let thread = Thread { [self] in work() }
            thread.name = "tresor-blocking-io"
            thread.start()
        }
    }

    private func work() {
        while true {
            condition.lock()
            while nextJob == jobs.count {
                idle += 1
                condition.wait()
                idle -= 1
            }
            let job = jobs[nextJob]
            nextJob += 1
            if nextJob == jobs.count {
                // Drained: start the queue afresh instead of letting it grow.
                jobs.removeAll(keepingCapacity: true)
                nextJob = 0
            }
            condition.unlock()
            job()
        }
    }
}
