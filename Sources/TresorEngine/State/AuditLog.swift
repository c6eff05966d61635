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
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(StatusCoding.formatDate(date))
        }
        var bytes: [UInt8] = []
        for event in events {
            guard let data = try? encoder.encode(event) else { continue }
            bytes.append(contentsOf: data)
            bytes.append(0x0A)
        }
        bytes.withUnsafeBytes { _ = Glibc.write(descriptor, $0.baseAddress!, $0.count) }
    }

    public func sync() {
        fsync(descriptor)
    }
}
