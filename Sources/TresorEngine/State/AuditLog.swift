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
    /// The event as one JSON line, keys sorted, nil members left out.
    var jsonLine: [UInt8] { jsonLine(previous: nil) }

    /// The line with `prev`, the hash of the line before it in the log (the chain).
    package func jsonLine(previous: String?) -> [UInt8] {
        // Strings and a date: encoding cannot fail.
        var bytes = (try? JSONEncoder.canonical.encode(Line(event: self, prev: previous))).map(Array.init) ?? []
        bytes.append(0x0A)
        return bytes
    }

    /// The event's members and `prev`, in one object.
    private struct Line: Encodable {
        var event: AuditEvent
        var prev: String?

        private enum Key: String, CodingKey { case prev }

        func encode(to encoder: any Encoder) throws {
            try event.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encodeIfPresent(prev, forKey: .prev)
        }
    }
}

/// How `audit.log` rotates: once it reaches `maxBytes` it becomes `audit.log.1` (the older
/// ones shift to `.2` … `.keep`; the oldest beyond is removed) and a new file continues the
/// chain from the head.
public struct AuditRotation: Sendable, Hashable {
    public var maxBytes: Int
    public var keep: Int

    public init(maxBytes: Int = 100 << 20, keep: Int = 5) {
        self.maxBytes = maxBytes
        self.keep = keep
    }
}

/// Appends JSON lines to `audit.log`, each carrying the SHA-256 of the line before it, so
/// an edited, deleted, inserted or reordered line breaks the chain (`tresor audit verify`).
/// The chain head, kept in `audit.log.head`, also catches lines cut from the end.
///
/// Appends hold the head file's lock (other processes) and a mutex (other tasks), so
/// writers in several processes extend one chain. A torn last line (a writer killed
/// mid-line, a full disk) is cut off and reported in the log before anything is appended
/// after it; a log that no longer reaches its head is reported and the chain continues
/// from the head, so the gap stays visible to `verify`.
public final class AuditLog: Sendable {
    private let descriptor: Mutex<OpenLog>
    /// Lines were written since the last ``sync()``: a daemon syncs after each secret's
    /// pass, and an fsync with nothing to write still costs the disk a cache flush.
    private let unsynced = Atomic<Bool>(false)
    private let headDescriptor: Int32
    private let rotation: AuditRotation
    /// Set when the chain lives in etcd; the descriptors are then unused.
    private let remote: EtcdAuditChain?
    public let path: String

    public var headPath: String { path + ".head" }
    public var anchorPath: String { path + ".anchor" }

    public init(path: String, rotation: AuditRotation = AuditRotation()) throws {
        self.path = path
        self.rotation = rotation
        let file = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard file >= 0 else {
            throw AtomicFile.WriteError(description: "cannot open audit log \(path): \(String(cString: strerror(errno)))")
        }
        let head = open(path + ".head", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard head >= 0 else {
            let reason = String(cString: strerror(errno))
            close(file)
            throw AtomicFile.WriteError(description: "cannot open the audit log's head \(path).head: \(reason)")
        }
        descriptor = Mutex(OpenLog(file: file))
        headDescriptor = head
        remote = nil
    }

    /// The audit chain kept in etcd under the store's prefix.
    init(etcd store: EtcdStateStore, rotation: AuditRotation) {
        path = store.auditPrefix
        self.rotation = rotation
        remote = EtcdAuditChain(store: store, rotation: rotation)
        descriptor = Mutex(OpenLog(file: -1))
        headDescriptor = -1
    }

    deinit {
        guard remote == nil else { return }
        descriptor.withLock { _ = close($0.file) }
        close(headDescriptor)
    }

    /// Appends and does not report a failure (records of what already happened; see
    /// `appendDurably` and `appendChecked`).
    public func append(_ events: [AuditEvent]) {
        _ = write(events)
    }

    /// Appends, or says why not: for lines that must be on record before what they
    /// describe happens (a vault write is not made when this fails).
    public func appendChecked(_ events: [AuditEvent]) -> String? {
        write(events).map { "cannot write the audit log \(path): \($0)" }
    }

    /// `append` from a task. An etcd chain's append waits for its txn on a thread of
    /// ``BlockingIO`` rather than on one of the few cooperative threads, so the lines of
    /// all the secrets a pass runs at once wait together and go to etcd in one txn.
    public func appendWaiting(_ events: [AuditEvent]) async {
        guard remote != nil, !events.isEmpty else { return append(events) }
        _ = try? await BlockingIO.shared.run { self.append(events) }
    }

    /// `appendChecked` from a task, waiting as ``appendWaiting(_:)`` does.
    public func appendCheckedWaiting(_ events: [AuditEvent]) async -> String? {
        guard remote != nil, !events.isEmpty else { return appendChecked(events) }
        do {
            return try await BlockingIO.shared.run { self.appendChecked(events) }
        } catch {
            return "cannot write the audit log \(path): \(error)"
        }
    }

    /// Appends and flushes to disk, or throws: for what may happen only once its line is
    /// on record (`tresor read` prints a value only after this returns).
    public func appendDurably(_ events: [AuditEvent]) throws {
        // An etcd txn is on record once it answers.
        let failure = write(events) ?? (remote != nil ? nil : descriptor.withLock { fsync($0.file) == 0 ? nil : String(cString: strerror(errno)) })
        if let failure {
            throw AtomicFile.WriteError(description: "cannot write the audit log \(path): \(failure)")
        }
    }

    /// Writes the lines whole; returns why not, nil when they were written.
    private func write(_ events: [AuditEvent]) -> String? {
        guard !events.isEmpty else { return nil }
        if let remote { return remote.append(events) }
        return descriptor.withLock { log -> String? in
            while flock(headDescriptor, LOCK_EX) != 0, errno == EINTR {}
            defer { flock(headDescriptor, LOCK_UN) }
            if let failure = reopenIfRotated(&log.file) { return failure }
            let file = log.file
            var info = stat()
            guard fstat(file, &info) == 0 else { return String(cString: strerror(errno)) }
            // The file as this log left it: its last line and the head are the ones it wrote.
            let (start, torn): ((String, String?), Int)
            if let end = log.end, end.file == FileIdentity(info) {
                (start, torn) = ((end.hash, nil), 0)
            } else {
                let (fileLast, cut) = AuditChain.tail(of: file)
                guard fstat(file, &info) == 0 else { return String(cString: strerror(errno)) }
                (start, torn) = (chainStart(file: file, size: Int(info.st_size), fileLast: fileLast), cut)
            }
            log.end = nil
            let before = Int(info.st_size)
            var previous = start.0
            var bytes: [UInt8] = []
            func add(_ event: AuditEvent) {
                let line = event.jsonLine(previous: previous)
                previous = AuditChain.hash(line.dropLast())
                bytes.append(contentsOf: line)
            }
            if torn > 0 {
                add(
                    AuditEvent(
                        time: events[0].time, actor: "tresor", secret: "-", vaultProfile: nil, operation: "audit-repair", outcome: "success",
                        message: "a torn last line of \(torn) bytes (a writer stopped mid-line) was cut off"))
            }
            if let gap = start.1 {
                add(AuditEvent(time: events[0].time, actor: "tresor", secret: "-", vaultProfile: nil, operation: "audit-gap", outcome: "failure", message: gap))
            }
            events.forEach(add)
            let written = bytes.withUnsafeBytes { Glibc.write(file, $0.baseAddress!, $0.count) }
            guard written == bytes.count else {
                let reason = written < 0 ? String(cString: strerror(errno)) : "only \(written) of \(bytes.count) bytes were written"
                // A line is whole or not there: a short write (a full disk) is taken back.
                ftruncate(file, off_t(before))
                return reason
            }
            unsynced.store(true, ordering: .releasing)
            let size = before + bytes.count
            guard AuditHead(hash: previous, size: size).write(headDescriptor) else {
                return "the chain head \(headPath) cannot be written: \(String(cString: strerror(errno)))"
            }
            if size >= rotation.maxBytes { return rotate(&log.file, head: previous) }
            if fstat(file, &info) == 0, Int(info.st_size) == size { log.end = KnownEnd(file: FileIdentity(info), hash: previous) }
            return nil
        }
    }

    /// The hash the next line chains from, and why the log no longer reaches its recorded
    /// head (nil when it does).
    private func chainStart(file: Int32, size: Int, fileLast: String) -> (String, String?) {
        guard let head = AuditHead.read(headDescriptor) else { return (fileLast, nil) }
        if size == head.size, size == 0 || fileLast == head.hash { return (head.hash, nil) }
        // A writer stopped between its lines and the head: the lines after the head are its.
        if size > head.size,
            head.size == 0 ? AuditChain.firstPrev(of: file) == head.hash : AuditChain.hashOfLine(endingAt: head.size, in: file) == head.hash
        {
            return (fileLast, nil)
        }
        // A rotation stopped between renaming the log and recording the head at 0 bytes.
        if size == 0, let rotated = AuditHead.lastLine(ofFile: path + ".1"), rotated == head { return (head.hash, nil) }
        return (
            head.hash,
            "the log does not reach its recorded head (\(head.size) bytes, \(size) found): lines were removed or edited at its end"
        )
    }

    /// Opens `audit.log` again when another process rotated it away from this descriptor.
    private func reopenIfRotated(_ file: inout Int32) -> String? {
        var current = stat()
        var open = stat()
        if stat(path, &current) == 0, fstat(file, &open) == 0, current.st_ino == open.st_ino, current.st_dev == open.st_dev {
            return nil
        }
        let reopened = Glibc.open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard reopened >= 0 else { return "cannot open \(path): \(String(cString: strerror(errno)))" }
        close(file)
        file = reopened
        return nil
    }

    /// `audit.log` → `.1` → … → `.keep`; the file that falls off leaves the hash of its last
    /// line in `audit.log.anchor`, where the oldest kept file's chain starts.
    private func rotate(_ file: inout Int32, head: String) -> String? {
        let oldest = path + ".\(rotation.keep)"
        if let last = AuditHead.lastLine(ofFile: oldest) {
            do {
                try AtomicFile.write(Array((last.hash + "\n").utf8), to: anchorPath)
            } catch {
                return "cannot rotate the audit log: \(error)"
            }
            unlink(oldest)
        }
        for index in stride(from: rotation.keep - 1, through: 1, by: -1) {
            rename(path + ".\(index)", path + ".\(index + 1)")
        }
        guard rename(path, path + ".1") == 0 else { return "cannot rotate the audit log: \(String(cString: strerror(errno)))" }
        if let failure = reopenIfRotated(&file) { return failure }
        AtomicFile.syncDirectory((path as NSString).deletingLastPathComponent)
        AuditHead(hash: head, size: 0).write(headDescriptor)
        return nil
    }

    public func sync() {
        guard remote == nil, unsynced.exchange(false, ordering: .acquiringAndReleasing) else { return }
        descriptor.withLock { _ = fsync($0.file) }
    }
}

/// The open `audit.log` and what this process last left at its end.
private struct OpenLog {
    var file: Int32
    var end: KnownEnd?
}

/// The file right after this process appended, and the hash of its last line. A file
/// still the same has had nothing appended, cut, rotated or edited since, so the next
/// append chains from that hash without reading the file's last line and head again (a
/// read and a hash per append, under the lock).
private struct KnownEnd {
    var file: FileIdentity
    var hash: String
}

extension AuditHead {
    /// The hash of a file's last line and the file's size, as a head pointing at its end.
    static func lastLine(ofFile path: String) -> AuditHead? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_size > 0 else { return nil }
        let size = Int(info.st_size)
        guard let hash = AuditChain.hashOfLine(endingAt: size, in: descriptor) else { return nil }
        return AuditHead(hash: hash, size: size)
    }
}
