import Crypto
import Foundation
import TresorCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A key of 32 random bytes in a file of mode 0600, made on first use: the local
/// vault's AES-256 key and the state directory's fingerprint key.
public enum KeyFile {
    static let keySize = 32

    /// What a key protects, for messages that say what losing it costs.
    public struct Purpose: Sendable {
        /// Names the key's owner in messages: "local vault", "state directory".
        public var owner: String
        /// What happens when the key is replaced by a new one.
        public var loss: String

        public init(owner: String, loss: String) {
            self.owner = owner
            self.loss = loss
        }

        public static let localVault = Purpose(owner: "local vault", loss: "secrets written with the old key can then no longer be read")
    }

    /// Reads the key at `file`, or makes one there when nothing is. Several processes
    /// doing this at once all end with the same key: the new key is written to a temp
    /// file and published with `link`, which fails when the name already exists, so no
    /// process ever sees a partly written key file.
    public static func loadOrCreate(at file: String, purpose: Purpose) throws -> [UInt8] {
        if let key = try load(file, purpose: purpose) { return key }
        return try publishNewKey(at: file) ?? loaded(file, purpose: purpose)
    }

    /// Makes a new key at `file` and never replaces one: fails when a file is already there.
    public static func createNew(at file: String, purpose: Purpose) throws -> [UInt8] {
        guard let key = try publishNewKey(at: file) else {
            throw VaultError(.invalidRequest, "\(purpose.owner): \(file) already exists; a key is never overwritten (\(purpose.loss))")
        }
        return key
    }

    /// A new random key published at `file`; nil when a file was there first.
    private static func publishNewKey(at file: String) throws -> [UInt8]? {
        let directory = LocalFileSystem.parent(of: file)
        try LocalFileSystem.makeDirectories(directory)
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { [UInt8]($0) }
        return try publish(Data(key), at: file) ? key : nil
    }

    /// Writes `bytes` to a new file at `file`, whole or not at all: false when a file was
    /// there first (it is left as it is). Readers never see the file partly written: it is
    /// written under a temp name and published with `link`.
    static func publish(_ bytes: Data, at file: String) throws -> Bool {
        let directory = LocalFileSystem.parent(of: file)
        // Not named like the vault's temp files: a key file may sit in the vault directory,
        // where writers remove leftover temp files.
        let temporary = file + "." + LocalFileSystem.randomHex() + ".new"
        guard try writeNewFile(temporary, bytes) else {
            throw LocalFileSystem.failure("create a temp file in", directory, EEXIST)
        }
        defer { unlink(temporary) }
        if link(temporary, file) == 0 {
            try LocalFileSystem.syncDirectory(directory)
            return true
        }
        let code = errno
        if code == EEXIST {
            // Someone else made it first.
            return false
        }
        guard code == EPERM || code == EOPNOTSUPP || code == EXDEV || code == EMLINK else {
            throw LocalFileSystem.failure("create the key file", file, code)
        }
        // A file system without hard links: create the file in place, exclusively.
        guard try writeNewFile(file, bytes) else { return false }
        try LocalFileSystem.syncDirectory(directory)
        return true
    }

    /// The key at `file`, or nil when there is no file.
    public static func load(_ file: String, purpose: Purpose) throws -> [UInt8]? {
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT { return nil }
            throw LocalFileSystem.failure("read the key file", file, code)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw LocalFileSystem.failure("read the key file", file, errno) }
        guard LocalFileSystem.isRegularFile(info.st_mode) else {
            throw VaultError(.invalidRequest, "\(purpose.owner): the key file \(file) is not a regular file; point keyFile at the key itself")
        }
        // Group read is accepted on a read-only file: a Kubernetes secret volume with
        // `defaultMode: 0400` and an `fsGroup` mounts the key 0440, owned by root and
        // readable by the pod's group. A file anyone can write keeps every rule.
        let readOnlyMount = info.st_mode & 0o222 == 0
        let openBits = info.st_mode & (readOnlyMount ? 0o037 : 0o077)
        guard openBits == 0 else {
            let mode = String(info.st_mode & 0o777, radix: 8)
            throw VaultError(
                .invalidRequest,
                "\(purpose.owner): the key file \(file) is open to other users (mode 0\(mode)); restrict it with `chmod 600 \(file)` (a read-only 0440 or 0400 mount, as a Kubernetes secret volume gives, is accepted)")
        }
        guard info.st_size == keySize else {
            throw VaultError(
                .invalidRequest,
                "\(purpose.owner): the key file \(file) holds \(info.st_size) bytes, but a key file holds exactly \(keySize) random bytes "
                    + "(a 256-bit key); restore the right key file, or move this one away to have a new key made "
                    + "(\(purpose.loss))")
        }
        var bytes = [UInt8](repeating: 0, count: keySize)
        var filled = 0
        while filled < keySize {
            let count = bytes.withUnsafeMutableBytes { buffer in
                guard let base = buffer.baseAddress else { return 0 }
                return read(fd, base + filled, keySize - filled)
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw LocalFileSystem.failure("read the key file", file, count < 0 ? errno : EIO) }
            filled += count
        }
        return bytes
    }

    private static func loaded(_ file: String, purpose: Purpose) throws -> [UInt8] {
        guard let key = try load(file, purpose: purpose) else { throw LocalFileSystem.failure("read the key file", file, ENOENT) }
        return key
    }

    /// Creates `file` with mode 0600 and `bytes`, durably; false when it already exists.
    private static func writeNewFile(_ file: String, _ bytes: Data) throws -> Bool {
        let fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            let code = errno
            if code == EEXIST { return false }
            throw LocalFileSystem.failure("create the key file", file, code)
        }
        do {
            defer { close(fd) }
            guard fchmod(fd, 0o600) == 0 else { throw LocalFileSystem.failure("set the mode of", file, errno) }
            try LocalFileSystem.writeAll(fd, bytes, file: file)
            guard fsync(fd) == 0 else { throw LocalFileSystem.failure("sync", file, errno) }
        } catch {
            unlink(file)
            throw error
        }
        return true
    }
}
