import Dispatch

extension Array where Element: Sendable {
    /// `map` on all cores, `chunk` elements per work item, results in order. For work that
    /// is independent per element and large enough to pay for the threads: parsing files,
    /// decoding status files, opening sealed values.
    public func concurrentMap<T>(chunk: Int, _ transform: @Sendable (Element) -> T) -> [T] {
        let count = self.count
        let chunk = Swift.max(1, chunk)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            // Each work item initializes a disjoint range of the buffer, exactly once.
            nonisolated(unsafe) let output = buffer
            DispatchQueue.concurrentPerform(iterations: (count + chunk - 1) / chunk) { index in
                for position in index * chunk..<Swift.min(count, (index + 1) * chunk) {
                    (output.baseAddress! + position).initialize(to: transform(self[position]))
                }
            }
            initialized = count
        }
    }
}
