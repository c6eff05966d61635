import Foundation
import TresorCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The POSIX file operations the local vault is built on: whole-file reads, atomic
/// replacement (temp file, fsync, rename, fsync of the directory) and 0700 directories.
/// Every failure is a ``VaultError`` that names the file and never its content.
enum LocalFileSystem {
    /// Names of temp files start with this and end with ``temporarySuffix``.
    static let temporaryPrefix = ".tresor-"
    static let temporarySuffix = ".tmp"

    /// A descriptor to read `file` with, or nil when nothing is there.
    private static func openForReading(_ file: String) throws -> Int32? {
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        if fd >= 0 { return fd }
        let code = errno
        if code == ENOENT || code == ENOTDIR { return nil }
        throw failure("read", file, code)
    }

    /// The whole content of a regular file, or nil when nothing is there.
    static func readFile(_ file: String) throws -> Data? {
        guard let fd = try openForReading(file) else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("read", file, errno) }
        guard isRegularFile(info.st_mode) else {
            throw VaultError(.corrupted, "local vault: \(file) is not a regular file; move it out of the vault directory")
        }
        // One byte more than the size, so that the end shows without growing the buffer.
        var data = Data(count: Int(info.st_size) + 1)
        var filled = 0
        while true {
            if filled == data.count { data.count += 4096 }
            let count = data.withUnsafeMutableBytes { buffer in
                guard let base = buffer.baseAddress else { return 0 }
                return read(fd, base + filled, buffer.count - filled)
            }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                throw failure("read", file, code)
            }
            if count == 0 { break }
            filled += count
        }
        data.count = filled
        return data
    }

    /// The file's first line (without its newline), reading no further than needed;
    /// nil when nothing is there.
    static func readFirstLine(_ file: String) throws -> Data? {
        guard let fd = try openForReading(file) else { return nil }
        defer { close(fd) }
        // Headers are a few hundred bytes: one read of a stack buffer usually suffices.
        return try withUnsafeTemporaryAllocation(byteCount: 4096, alignment: 1) { chunk in
            guard let base = chunk.baseAddress else { return Data() }
            var data = Data()
            while true {
                let count = read(fd, base, chunk.count)
                if count < 0 {
                    let code = errno
                    if code == EINTR { continue }
                    if code == EISDIR {
                        throw VaultError(.corrupted, "local vault: \(file) is not a regular file; move it out of the vault directory")
                    }
                    throw failure("read", file, code)
                }
                if count == 0 { return data }
                if let newline = memchr(base, Int32(UInt8(ascii: "\n")), count) {
                    data.append(base.assumingMemoryBound(to: UInt8.self), count: UnsafeRawPointer(newline) - UnsafeRawPointer(base))
                    return data
                }
                data.append(base.assumingMemoryBound(to: UInt8.self), count: count)
            }
        }
    }

    /// Replaces `name` in `directory` with `data` so that a reader sees either the old
    /// or the new file, never a partial one, and the change survives a crash.
    ///
    /// The temp file's name derives from the target's, and only the holder of the
    /// target's lock writes it: a crashed writer's leftover is simply truncated by the
    /// next write, with no directory scan.
    static func replaceAtomically(directory: String, name: String, data: Data) throws {
        let temporary = temporaryFile(directory: directory, name: name)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw failure("create a temp file in", directory, errno) }
        do {
            defer { close(fd) }
            guard fchmod(fd, 0o600) == 0 else { throw failure("set the mode of", temporary, errno) }
            try writeAll(fd, data, file: temporary)
            guard fsync(fd) == 0 else { throw failure("sync", temporary, errno) }
            guard rename(temporary, directory + "/" + name) == 0 else {
                throw failure("replace", directory + "/" + name, errno)
            }
        } catch {
            unlink(temporary)
            throw error
        }
        try syncDirectory(directory)
    }

    /// Writes every byte of `data` to `fd`.
    static func writeAll(_ fd: Int32, _ data: Data, file: String) throws {
        try data.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var written = 0
            while written < buffer.count {
                let count = write(fd, base + written, buffer.count - written)
                if count < 0 {
                    let code = errno
                    if code == EINTR { continue }
                    throw failure("write", file, code)
                }
                written += count
            }
        }
    }

    /// Flushes a directory's entries (a rename, a new or removed file) to disk.
    static func syncDirectory(_ directory: String) throws {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open", directory, errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure("sync", directory, errno) }
    }

    /// Creates `path` and any missing parents with mode 0700; existing ones are left as they are.
    static func makeDirectories(_ path: String) throws {
        var missing: [String] = []
        var current = path
        while !current.isEmpty, !isDirectory(current) {
            missing.append(current)
            guard let slash = current.lastIndex(of: "/") else { break }
            current = String(current[..<slash])
        }
        for directory in missing.reversed() {
            try makeDirectory(directory)
        }
    }

    /// Creates one directory with mode 0700 (or accepts an existing directory) and makes
    /// its entry durable.
    static func makeDirectory(_ directory: String) throws {
        if mkdir(directory, 0o700) == 0 {
            // mkdir applies the umask; set the mode exactly.
            guard chmod(directory, 0o700) == 0 else { throw failure("set the mode of", directory, errno) }
            try syncDirectory(parent(of: directory))
            return
        }
        let code = errno
        guard code == EEXIST else { throw failure("create the directory", directory, code) }
        guard isDirectory(directory) else {
            throw VaultError(.invalidRequest, "local vault: \(directory) exists but is not a directory")
        }
    }

    /// Where the next version of `name` is written before it replaces it.
    static func temporaryFile(directory: String, name: String) -> String {
        directory + "/" + temporaryPrefix + name + temporarySuffix
    }

    enum EntryKind { case file, directory, other }

    struct Entry {
        var name: String
        var kind: EntryKind
    }

    /// The entries of a directory, without `.` and `..`; symbolic links count as `other`.
    static func entries(of directory: String) throws -> [Entry] {
        guard let stream = opendir(directory) else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return [] }
            throw failure("list", directory, code)
        }
        defer { closedir(stream) }
        var result: [Entry] = []
        while let entry = readdir(stream) {
            let name = DirectoryEntry.name(entry)
            if name == "." || name == ".." { continue }
            var kind: EntryKind
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_DIR): kind = .directory
            case Int32(DT_REG): kind = .file
            case Int32(DT_UNKNOWN):
                var info = stat()
                guard lstat(directory + "/" + name, &info) == 0 else { continue }
                kind = isRegularFile(info.st_mode) ? .file : (info.st_mode & S_IFMT) == S_IFDIR ? .directory : .other
            default: kind = .other
            }
            result.append(Entry(name: name, kind: kind))
        }
        return result
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func isRegularFile(_ mode: mode_t) -> Bool { (mode & S_IFMT) == S_IFREG }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func randomHex() -> String {
        let value = UInt64.random(in: .min ... .max)
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// A failed system call as a vault error: the operation, the file and the system's reason.
    static func failure(_ operation: String, _ file: String, _ code: Int32) -> VaultError {
        let reason = String(cString: strerror(code))
        let kind: VaultError.Kind =
            switch code {
            case EACCES, EPERM, EROFS: .permissionDenied
            case ENAMETOOLONG, ENOTDIR, EISDIR, ELOOP, EEXIST: .invalidRequest
            default: .unavailable
            }
        return VaultError(kind, "local vault: cannot \(operation) \(file): \(reason)")
    }
}
