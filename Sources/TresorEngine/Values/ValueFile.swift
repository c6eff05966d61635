import Foundation
import TresorCore

#if canImport(Glibc)
    import Glibc
#endif

/// Reads a `fromFile` value: regular files only, at most `limit` bytes. A FIFO would hang
/// the pass, `/dev/zero` would fill the memory, and `/proc/self/environ` would store the
/// process's environment as a secret; each is refused before a byte is read.
enum ValueFile {
    /// The most a value may hold, from a file or the environment: 1 MiB.
    static let limit = 1 << 20

    static func read(_ path: String, limit: Int = ValueFile.limit) throws -> [UInt8] {
        // O_NONBLOCK: opening a FIFO with no writer must not wait for one.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard descriptor >= 0 else { throw ValueResolver.FileReadError(reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw ValueResolver.FileReadError(reason: String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw ValueResolver.FileReadError(reason: "it is \(kind(info.st_mode)), not a regular file; fromFile reads regular files only")
        }
        if let resolved = realpath(path, nil) {
            let real = String(cString: resolved)
            free(resolved)
            if real.hasPrefix("/proc/") || real.hasPrefix("/sys/") {
                throw ValueResolver.FileReadError(
                    reason: "it is a kernel file (\(real)), not a file someone wrote; fromFile reads regular files only")
            }
        }
        guard Int(info.st_size) <= limit else {
            throw ValueResolver.FileReadError(reason: "it holds \(info.st_size) bytes, more than the \(limit) bytes a value may hold")
        }
        // The file may grow while it is read.
        let bytes: [UInt8]?
        do {
            bytes = try AtomicFile.readToEnd(descriptor, expected: Int(info.st_size), limit: limit)
        } catch {
            throw ValueResolver.FileReadError(reason: error.reason)
        }
        guard let bytes else { throw ValueResolver.FileReadError(reason: "it holds more than the \(limit) bytes a value may hold") }
        return bytes
    }

    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "a FIFO"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFDIR: "a directory"
        case S_IFSOCK: "a socket"
        default: "not a regular file"
        }
    }
}
