import Foundation
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
    var jsonLine: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(320)
        JSONText.appendObject(
            ordered: [
                ("actor", actor), ("fingerprint", fingerprint), ("message", message), ("operation", operation),
                ("outcome", outcome), ("previousFingerprint", previousFingerprint), ("secret", secret),
                ("time", StatusCoding.formatDate(time)), ("vaultProfile", vaultProfile), ("vaultVersion", vaultVersion),
            ], to: &bytes)
        bytes.append(0x0A)
        return bytes
    }
}

/// Appends JSON lines to `audit.log`. Each line is one `write` on an O_APPEND file, so
/// concurrent writers never interleave within a line.
public final class AuditLog: Sendable {
    private let descriptor: Int32
    public let path: String

    public init(path: String) throws {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw AtomicFile.WriteError(description: "cannot open audit log \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        close(descriptor)
    }

    public func append(_ events: [AuditEvent]) {
        guard !events.isEmpty else { return }
        var bytes: [UInt8] = []
        for event in events { bytes.append(contentsOf: event.jsonLine) }
        bytes.withUnsafeBytes { _ = Glibc.write(descriptor, $0.baseAddress!, $0.count) }
    }

    public func sync() {
        fsync(descriptor)
    }
}
