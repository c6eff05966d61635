import TresorCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The exclusive `flock` on `<vault>/.lock` that every change to the vault holds, so
/// that two processes or two adapters on one directory never lose a write.
///
/// The lock is taken on a fresh open file description each time, so it also excludes
/// other adapters and tasks of the same process. It is held only for one synchronous
/// read-modify-write, never across a suspension point.
enum LocalVaultLock {
    static let fileName = ".lock"

    static func withExclusiveLock<Result>(directory: String, _ body: () throws -> Result) throws -> Result {
        let file = directory + "/" + fileName
        let fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw LocalFileSystem.failure("open the lock file", file, errno) }
        // Closing the descriptor releases the lock, also when the body throws.
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            let code = errno
            if code == EINTR { continue }
            throw LocalFileSystem.failure("lock", file, code)
        }
        return try body()
    }
}
