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

    /// The hash of the line that ends (with its line break) at byte `offset`; nil when no
    /// line break is there.
    static func hashOfLine(endingAt offset: Int, in descriptor: Int32) -> String? {
        guard offset > 0 else { return nil }
        var window = 4096
        while true {
            let start = max(0, offset - window)
            var buffer = [UInt8](repeating: 0, count: offset - start)
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, $0.count, off_t(start)) }
            guard count == buffer.count, buffer.last == 0x0A else { return nil }
            if let before = buffer.dropLast().lastIndex(of: 0x0A) { return hash(buffer[(before + 1)..<(buffer.count - 1)]) }
            if start == 0 { return hash(buffer.dropLast()) }
            window *= 4
        }
    }

    /// The `prev` of the file's first line: where its chain says it starts.
    static func firstPrev(of descriptor: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[..<count].prefix { $0 != 0x0A }, as: UTF8.self)
        guard let range = text.range(of: "\"prev\":\"") else { return nil }
        return String(text[range.upperBound...].prefix(71))
    }

    /// The first line that breaks the chain, and why; nil when every line holds. Lines
    /// written before the chain existed (no `prev`) at the start of the log are counted.
    public static func verify(_ bytes: [UInt8]) -> (problem: (line: Int, reason: String)?, lines: Int, unchained: Int) {
        var walk = Walk(previous: nil)
        let problem = walk.check(bytes, file: nil)
        return (problem, walk.lines, walk.unchained)
    }

    /// What `tresor audit verify` found.
    public struct LogCheck: Sendable {
        /// `file: line N reason`; nil when the chain holds.
        public var problem: String?
        public var lines = 0
        public var unchained = 0
        /// The files read, oldest first.
        public var files: [String] = []
        /// Something worth saying that is not a break.
        public var note: String?
    }

    /// Checks `audit.log` with its rotated files (oldest first, from `audit.log.anchor`
    /// when older ones were removed) and its recorded head (`audit.log.head`).
    public static func verifyLog(at path: String) throws -> LogCheck {
        var check = LogCheck()
        let anchor = (try AtomicFile.read(path + ".anchor")).flatMap { String(decoding: $0, as: UTF8.self).split(separator: "\n").first }
            .map(String.init)
        var rotated = rotatedFiles(of: path)
        // A rotation that stopped after recording the anchor but before removing the file.
        if let oldest = rotated.first, let anchor, AuditHead.lastLine(ofFile: oldest)?.hash == anchor { rotated.removeFirst() }
        check.files = rotated + [path]
        var walk = Walk(previous: anchor)
        for file in check.files {
            let bytes = (try AtomicFile.read(file)) ?? []
            if let problem = walk.check(bytes, file: (file as NSString).lastPathComponent) {
                check.problem = "\((file as NSString).lastPathComponent): line \(problem.line) \(problem.reason)"
                break
            }
        }
        check.lines = walk.lines
        check.unchained = walk.unchained
        guard check.problem == nil, let head = AuditHead.read(path: path + ".head") else { return check }
        let current = AuditHead.lastLine(ofFile: path)
        let size = current?.size ?? 0
        if size == head.size, (walk.last ?? genesis) == head.hash { return check }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        defer { if descriptor >= 0 { close(descriptor) } }
        if size > head.size, descriptor >= 0,
            head.size == 0 ? firstPrev(of: descriptor) == head.hash : hashOfLine(endingAt: head.size, in: descriptor) == head.hash
        {
            check.note = "\(size - head.size) bytes follow the recorded head (a writer stopped before recording it); they hold the chain"
            return check
        }
        check.problem = "\((path as NSString).lastPathComponent): the log does not reach its recorded head in "
            + "\((path as NSString).lastPathComponent).head (\(head.size) bytes expected, \(size) found): lines were removed from "
            + "its end, or the head was edited"
        return check
    }

    /// `audit.log.N` files beside `path`, oldest (highest N) first.
    static func rotatedFiles(of path: String) -> [String] {
        let directory = (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent + "."
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
        let numbers = names.compactMap { name -> Int? in
            guard name.hasPrefix(base), let number = Int(name.dropFirst(base.count)), number > 0 else { return nil }
            return number
        }
        return numbers.sorted(by: >).map { (directory.isEmpty ? "" : directory + "/") + base + String($0) }
    }

    /// Follows the chain across one or more files.
    struct Walk {
        var previous: String?
        var lines = 0
        var unchained = 0
        /// The hash of the last line seen.
        var last: String?
        private var lastFile: String?

        init(previous: String?) {
            self.previous = previous
            self.last = previous
        }

        /// The first line of `bytes` that breaks the chain (numbered within the file, from
        /// `first`: the number of its first line).
        mutating func check(_ bytes: [UInt8], file: String?, first: Int = 1) -> (line: Int, reason: String)? {
            var number = first - 1
            for raw in bytes.split(separator: 0x0A) {
                number += 1
                lines += 1
                guard let object = try? JSONSerialization.jsonObject(with: Data(raw)) as? [String: Any] else {
                    return (number, "is not a whole JSON line (torn or edited)")
                }
                guard let prev = object["prev"] as? String else {
                    guard previous == nil || unchained == lines - 1 else { return (number, "carries no prev: it was inserted or edited") }
                    unchained += 1
                    previous = AuditChain.hash(raw)
                    last = previous
                    continue
                }
                guard prev == (previous ?? genesis) else {
                    if number > first {
                        return (number, "does not follow line \(number - 1): a line was edited, deleted, inserted or reordered here")
                    }
                    if let lastFile {
                        return (number, "does not follow the last line of \(lastFile): lines were removed, or it was edited")
                    }
                    return (number, "does not start the chain: lines before it were deleted, or it was edited")
                }
                previous = AuditChain.hash(raw)
                last = previous
            }
            if number >= first || lastFile == nil { lastFile = file ?? lastFile }
            return nil
        }
    }
}
