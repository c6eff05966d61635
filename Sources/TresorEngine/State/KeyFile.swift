import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A file of random key bytes, created 0600 on first use without a race between two
/// processes starting at once.
public enum KeyFile {
    public static func loadOrCreate(_ path: String, byteCount: Int = 32) throws -> [UInt8] {
        if let existing = try AtomicFile.read(path) {
            return try checked(existing, path: path, byteCount: byteCount)
        }
        try AtomicFile.makeDirectory((path as NSString).deletingLastPathComponent)
        var bytes = [UInt8](repeating: 0, count: byteCount)
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor < 0 {
            // Another process made it first: use theirs.
            if errno == EEXIST, let existing = try AtomicFile.read(path) { return try checked(existing, path: path, byteCount: byteCount) }
            throw AtomicFile.WriteError(description: "cannot create key file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress!, byteCount) }
        guard written == byteCount, fsync(descriptor) == 0 else {
            unlink(path)
            throw AtomicFile.WriteError(description: "cannot write key file \(path): \(String(cString: strerror(errno)))")
        }
        return bytes
    }

    private static func checked(_ bytes: [UInt8], path: String, byteCount: Int) throws -> [UInt8] {
        guard bytes.count == byteCount else {
            throw AtomicFile.WriteError(
                description: "key file \(path) holds \(bytes.count) bytes, expected \(byteCount); restore it from backup")
        }
        return bytes
    }
}
