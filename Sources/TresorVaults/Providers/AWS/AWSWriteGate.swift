/// Bounds the control-plane calls (CreateSecret, PutSecretValue, TagResource, …) one
/// adapter has in flight. Secrets Manager allows those about 50 per second per region
/// (reads get thousands), so more concurrent writes only earn ThrottlingExceptions; and
/// a single-process endpoint such as moto serves 500 creates about twice as fast at 4–8
/// connections as at 32 (measured with `curl --parallel`). Reads are not bounded.
actor AWSWriteGate {
    private let limit: Int
    private var inFlight = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Runs `body` once fewer than `limit` others are running, first come first served.
    nonisolated func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        do {
            let result = try await body()
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }

    private func acquire() async {
        if inFlight < limit {
            inFlight += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Hands the slot to the next waiter, if any, without freeing it in between.
    private func release() {
        if waiting.isEmpty {
            inFlight -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
