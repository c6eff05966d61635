import Foundation
import Synchronization
import TresorCore

#if canImport(Glibc)
    import Glibc
#endif

/// One line of `audit.log`. Fingerprints only, never values.
public struct AuditEvent: Sendable, Codable {
    public var time: Date
    public var actor: String
    public var secret: String
    public var vaultProfile: String?
    public var operation: String
    public var outcome: String
    public var fingerprint: String?
    public var previousFingerprint: String?
    public var vaultVersion: String?
    public var message: String?

    public init(
        time: Date, actor: String, secret: String, vaultProfile: String?, operation: String, outcome: String,
        fingerprint: String? = nil, previousFingerprint: String? = nil, vaultVersion: String? = nil, message: String? = nil
    ) {
        self.time = time
        self.actor = actor
        self.secret = secret
        self.vaultProfile = vaultProfile
        self.operation = operation
        self.outcome = outcome
        self.fingerprint = fingerprint
        self.previousFingerprint = previousFingerprint
        self.vaultVersion = vaultVersion
        self.message = message
    }
}

extension AuditEvent {
    /// The event as one JSON line, keys sorted, nil members left out: what `JSONEncoder`
    /// with sorted keys writes, built without it (a line per change of every secret).
    var jsonLine: [UInt8] { jsonLine(previous: nil) }

    /// The line with `prev`, the hash of the line before it in the log (the chain).
    func jsonLine(previous: String?) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(400)
        JSONText.appendObject(
            ordered: [
                ("actor", actor), ("fingerprint", fingerprint), ("message", message), ("operation", operation),
                ("outcome", outcome), ("prev", previous), ("previousFingerprint", previousFingerprint), ("secret", secret),
                ("time", StatusCoding.formatDate(time)), ("vaultProfile", vaultProfile), ("vaultVersion", vaultVersion),
            ], to: &bytes)
        bytes.append(0x0A)
        return bytes
    }
}

/// Appends JSON lines to `audit.log`, each carrying the SHA-256 of the line before it, so
/// an edited, deleted, inserted or reordered line breaks the chain (`tresor audit verify`).
/// Appends hold the file's lock (other processes) and a mutex (other tasks): the chain
/// head is read from the file's last line each time, so writers in several processes
/// extend one chain. A torn last line (a writer killed mid-line, a full disk) is cut off and
/// reported in the log before anything is appended after it.
public final class AuditLog: Sendable {
    private let descriptor: Int32
    private let mutex = Mutex(())
    public let path: String

    public init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw AtomicFile.WriteError(description: "cannot open audit log \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        close(descriptor)
    }

    /// Appends and does not report a failure (the pass's own records; see `appendDurably`).
    public func append(_ events: [AuditEvent]) {
        _ = write(events)
    }

    /// Appends and flushes to disk, or throws: for what may happen only once its line is
    /// on record (`tresor read` prints a value only after this returns).
    public func appendDurably(_ events: [AuditEvent]) throws {
        if let failure = write(events) ?? (fsync(descriptor) == 0 ? nil : String(cString: strerror(errno))) {
            throw AtomicFile.WriteError(description: "cannot write the audit log \(path): \(failure)")
        }
    }

    /// Writes the lines whole; returns why not, nil when they were written.
    private func write(_ events: [AuditEvent]) -> String? {
        guard !events.isEmpty else { return nil }
        return mutex.withLock { _ -> String? in
            while flock(descriptor, LOCK_EX) != 0, errno == EINTR {}
            defer { flock(descriptor, LOCK_UN) }
            var (previous, torn) = AuditChain.tail(of: descriptor)
            var bytes: [UInt8] = []
            if torn > 0 {
                let repair = AuditEvent(
                    time: events[0].time, actor: "tresor", secret: "-", vaultProfile: nil, operation: "audit-repair", outcome: "success",
                    message: "a torn last line of \(torn) bytes (a writer stopped mid-line) was cut off")
                let line = repair.jsonLine(previous: previous)
                previous = AuditChain.hash(line.dropLast())
                bytes.append(contentsOf: line)
            }
            for event in events {
                let line = event.jsonLine(previous: previous)
                previous = AuditChain.hash(line.dropLast())
                bytes.append(contentsOf: line)
            }
            var info = stat()
            let before = fstat(descriptor, &info) == 0 ? info.st_size : -1
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress!, $0.count) }
            guard written == bytes.count else {
                let reason = written < 0 ? String(cString: strerror(errno)) : "only \(written) of \(bytes.count) bytes were written"
                // A line is whole or not there: a short write (a full disk) is taken back.
                if before >= 0 { ftruncate(descriptor, before) }
                return reason
            }
            return nil
        }
    }

    public func sync() {
        fsync(descriptor)
    }
}
