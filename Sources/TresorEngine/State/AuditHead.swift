import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The chain head kept beside the audit log (`audit.log.head`): the hash of the last line
/// written and the size of `audit.log` after it. A log cut at its end no longer reaches
/// its head, which `tresor audit verify` and the next writer both see; the head also
/// carries the chain into a new file when the log rotates.
struct AuditHead: Equatable {
    var hash: String
    var size: Int

    /// One fixed-width line, so a rewrite in place never leaves a longer old tail behind.
    var line: [UInt8] { Array((hash + " " + String(size).leftPadded(to: 20) + "\n").utf8) }

    init(hash: String, size: Int) {
        self.hash = hash
        self.size = size
    }

    init?(_ bytes: some Collection<UInt8>) {
        let fields = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard fields.count == 2, fields[0].hasPrefix("sha256:"), fields[0].utf8.count == 71,
            let size = Int(fields[1]), size >= 0
        else { return nil }
        self.init(hash: String(fields[0]), size: size)
    }

    static func read(_ descriptor: Int32) -> AuditHead? {
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, $0.count, 0) }
        guard count > 0 else { return nil }
        return AuditHead(buffer[..<count])
    }

    static func read(path: String) -> AuditHead? {
        guard let bytes = try? AtomicFile.read(path) else { return nil }
        return AuditHead(bytes)
    }

    /// Returns false when it could not be written whole.
    @discardableResult
    func write(_ descriptor: Int32) -> Bool {
        let bytes = line
        let written = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress!, $0.count, 0) }
        return written == bytes.count
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
