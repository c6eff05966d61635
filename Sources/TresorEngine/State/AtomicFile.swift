import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Whole-file writes that are never seen half done: a temporary file in the same
/// directory, fsync, rename over the target, fsync of the directory.
public enum AtomicFile {
    /// When the rename is made durable.
    public enum DirectorySync {
        /// Before `write` returns.
        case now
        /// By the caller's later ``syncDirectory(_:)``: a file is then either old or new
        /// after a power loss, never partial, but may still be old.
        case deferred
    }

    public struct WriteError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600, directorySync: DirectorySync = .now) throws {
        let temporary = try writeTemporary(bytes, for: path, mode: mode)
        guard fsync(temporary.descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            temporary.discard()
            throw WriteError(description: "cannot write \(path): \(reason)")
        }
        if let reason = temporary.rename(over: path) { throw WriteError(description: "cannot write \(path): \(reason)") }
        if directorySync == .now { syncDirectory((path as NSString).deletingLastPathComponent) }
    }

    /// A file's new bytes under a temporary name beside it, written but not yet durable;
    /// its descriptor is still open.
    struct Temporary {
        let path: String
        let descriptor: Int32

        /// Closes and removes it: the write it was for failed.
        func discard() {
            close(descriptor)
            unlink(path)
        }

        /// Closes it and renames it over `target`, once its bytes are durable; why not
        /// (it is then removed), or nil.
        func rename(over target: String) -> String? {
            close(descriptor)
            guard Glibc.rename(path, target) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(path)
                return reason
            }
            return nil
        }
    }

    /// Creates `<path>.tmp-<pid>-<random>` (the name `StateStore` cleans away after a
    /// killed writer) and writes `bytes` to it; on failure nothing is left behind.
    static func writeTemporary(_ bytes: [UInt8], for path: String, mode: mode_t) throws -> Temporary {
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw WriteError(description: "cannot write \(path): \(String(cString: strerror(errno)))") }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                Temporary(path: temporary, descriptor: descriptor).discard()
                throw WriteError(description: "cannot write \(path): \(reason)")
            }
            written += count
        }
        return Temporary(path: temporary, descriptor: descriptor)
    }

    public static func syncDirectory(_ directory: String) {
        let descriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
    }

    /// The file's bytes, nil when it does not exist.
    public static func read(_ path: String) throws -> [UInt8]? {
        do {
            return try readBytes(path)
        } catch let error as ReadError {
            if error.code == ENOENT { return nil }
            throw WriteError(description: "cannot read \(path): \(error.reason)")
        }
    }

    /// An open(2) or read(2) failure, with the OS's reason ("No such file or
    /// directory", "Permission denied", "Is a directory").
    public struct ReadError: Error, CustomStringConvertible {
        public var code: Int32
        public var reason: String { String(cString: strerror(code)) }
        public var description: String { reason }
    }

    /// The whole file, read with open(2)/read(2) (``readToEnd(_:expected:limit:)``).
    public static func readBytes(_ path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ReadError(code: errno) }
        defer { close(descriptor) }
        var info = stat()
        let size = fstat(descriptor, &info) == 0 ? max(0, Int(info.st_size)) : 0
        // No limit: nil cannot come back.
        return try readToEnd(descriptor, expected: size)!
    }

    /// The rest of an open file, in one read of the `expected` size (fstat's: status and
    /// vault files are read by the hundred thousand) into an uninitialized array, then to
    /// the end in case the file grew meanwhile; nil once it holds more than `limit` bytes.
    static func readToEnd(_ descriptor: Int32, expected: Int, limit: Int = .max) throws(ReadError) -> [UInt8]? {
        guard expected <= limit else { return nil }
        var failure: Int32 = 0
        // One byte more than expected, so the read that meets the end is this one.
        var bytes = [UInt8](unsafeUninitializedCapacity: expected + 1) { buffer, count in
            count = 0
            while count < buffer.count {
                let read = Glibc.read(descriptor, buffer.baseAddress! + count, buffer.count - count)
                if read < 0, errno == EINTR { continue }
                if read < 0 { failure = errno }
                if read <= 0 { return }
                count += read
            }
        }
        if failure != 0 { throw ReadError(code: failure) }
        if bytes.count <= expected { return bytes }
        var chunk = [UInt8](repeating: 0, count: 65536)
        while bytes.count <= limit {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(code: errno)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return nil
    }

    /// Creates the directory and its parents, 0700.
    public static func makeDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw WriteError(description: "cannot create directory \(path): \(error.localizedDescription)")
        }
    }
}
