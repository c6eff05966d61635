import Crypto
import Foundation
import TresorCore

#if canImport(Glibc)
    import Glibc
#endif

/// The hash chain of `audit.log`: each line's `prev` is `sha256:` + the hex SHA-256 of the
/// line before it (without its line break); the first line's is `sha256:` + 64 zeros.
public enum AuditChain {
    public static let genesis = "sha256:" + String(repeating: "0", count: 64)

    static func hash(_ line: some Collection<UInt8>) -> String {
        "sha256:" + Hex.encode(SHA256.hash(data: Array(line)))
    }

    /// The hash of the file's last whole line (`genesis` when it has none), and how many
    /// bytes after it are a torn line; a torn line is cut off.
    static func tail(of descriptor: Int32) -> (previous: String, torn: Int) {
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_size > 0 else { return (genesis, 0) }
        let size = Int(info.st_size)
        var window = 4096
        while true {
            let start = max(0, size - window)
            var buffer = [UInt8](repeating: 0, count: size - start)
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, $0.count, off_t(start)) }
            guard count == buffer.count else { return (genesis, 0) }
            // The end of the last whole line, then its start.
            guard let end = buffer.lastIndex(of: 0x0A) else {
                if start == 0 {
                    ftruncate(descriptor, 0)
                    return (genesis, size)
                }
                window *= 4
                continue
            }
            let torn = buffer.count - end - 1
            if torn > 0 { ftruncate(descriptor, off_t(start + end + 1)) }
            if let before = buffer[..<end].lastIndex(of: 0x0A) {
                return (hash(buffer[(before + 1)..<end]), torn)
            }
            if start == 0 { return (hash(buffer[..<end]), torn) }
            window *= 4
        }
    }

    /// The first line that breaks the chain, and why; nil when every line holds. Lines
    /// written before the chain existed (no `prev`) at the start of the log are counted.
    public static func verify(_ bytes: [UInt8]) -> (problem: (line: Int, reason: String)?, lines: Int, unchained: Int) {
        var previous: String?
        var unchained = 0
        var number = 0
        for raw in bytes.split(separator: 0x0A) {
            number += 1
            guard let object = try? JSONSerialization.jsonObject(with: Data(raw)) as? [String: Any] else {
                return ((number, "is not a whole JSON line (torn or edited)"), number, unchained)
            }
            guard let prev = object["prev"] as? String else {
                guard previous == nil || unchained == number - 1 else {
                    return ((number, "carries no prev: it was inserted or edited"), number, unchained)
                }
                unchained += 1
                previous = hash(raw)
                continue
            }
            let expected = previous ?? genesis
            guard prev == expected else {
                let reason = number == 1
                    ? "does not start the chain: lines before it were deleted, or it was edited"
                    : "does not follow line \(number - 1): a line was edited, deleted, inserted or reordered here"
                return ((number, reason), number, unchained)
            }
            previous = hash(raw)
        }
        return (nil, number, unchained)
    }
}
