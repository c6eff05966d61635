import TresorCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The exclusive `flock` that every change to a secret holds, so that two processes
/// or two adapters on one directory never lose a write.
///
/// Secrets hash onto one of 64 lock files (`<vault>/.lock-NN`): changes to one secret
/// are serialised while changes to different secrets proceed side by side, so their
/// fsyncs are committed together instead of one after another.
///
/// The lock is taken on a fresh open file description each time, so it also excludes
/// other adapters and tasks of the same process. It is held only for one synchronous
/// read-modify-write, never across a suspension point.
enum LocalVaultLock {
    static let filePrefix = ".lock"
    static let stripes: UInt64 = 64

    static func withExclusiveLock<Result>(directory: String, path: String, _ body: () throws -> Result) throws -> Result {
        let file = directory + "/" + filePrefix + "-" + String(stripe(of: path))
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

    /// FNV-1a: stable across processes, unlike Swift's seeded `Hasher`.
    static func stripe(of path: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in path.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return hash % stripes
    }
}
