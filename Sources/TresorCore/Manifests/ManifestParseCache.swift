import Foundation

/// Parse results kept between loads of the same manifest files: a file whose bytes are
/// unchanged is not parsed again, so a reload after one edit among thousands of files
/// costs one parse plus the (cheaper) decode and cross-checks of the whole set.
public final class ManifestParseCache: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`: path → the bytes parsed and their result.
    private var entries: [String: (bytes: [UInt8], result: YAMLParseResult)] = [:]

    public init() {}

    /// Parse results for `files`, in order; forgets files no longer passed.
    func parse(_ files: [ManifestFile]) -> [YAMLParseResult] {
        var results = [YAMLParseResult?](repeating: nil, count: files.count)
        var missing: [Int] = []
        lock.withLock {
            for (index, file) in files.enumerated() {
                if let entry = entries[file.path], entry.bytes == file.bytes {
                    results[index] = entry.result
                } else {
                    missing.append(index)
                }
            }
        }
        let fresh = ManifestLoader.parseAll(missing.map { files[$0] })
        for (index, result) in zip(missing, fresh) { results[index] = result }
        let complete = results.map { $0 ?? YAMLParseResult(documents: [], problems: [], error: nil) }
        lock.withLock {
            var next: [String: (bytes: [UInt8], result: YAMLParseResult)] = [:]
            next.reserveCapacity(files.count)
            for (file, result) in zip(files, complete) { next[file.path] = (file.bytes, result) }
            entries = next
        }
        return complete
    }
}
