import Foundation
import TresorCore

/// `tresor events`: the audit log read back as a table of what happened, newest last.
public enum EventLog {
    /// Every event in `audit.log` (lines that do not parse are skipped; `audit verify`
    /// is the command that judges the file).
    public static func read(_ path: String) -> [AuditEvent] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return data.split(separator: 0x0A).compactMap(event)
    }

    static func event(_ line: Data) -> AuditEvent? {
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any],
            let timeText = object["time"] as? String, let time = Timestamp(rfc3339: timeText)?.date,
            let secret = object["secret"] as? String, let operation = object["operation"] as? String,
            let outcome = object["outcome"] as? String
        else { return nil }
        return AuditEvent(
            time: time, actor: object["actor"] as? String ?? "", secret: secret, vaultProfile: object["vaultProfile"] as? String,
            operation: operation, outcome: outcome, fingerprint: object["fingerprint"] as? String,
            previousFingerprint: object["previousFingerprint"] as? String, vaultVersion: object["vaultVersion"] as? String,
            message: object["message"] as? String)
    }

    public static func table(_ events: [AuditEvent]) -> String {
        guard !events.isEmpty else { return "No events.\n" }
        return StatusTables.table(
            ["TIME", "SECRET", "OPERATION", "TARGET", "OUTCOME", "MESSAGE"],
            events.map { [StatusCoding.formatDate($0.time), $0.secret, $0.operation, $0.vaultProfile ?? "-", $0.outcome, $0.message ?? ""] })
    }

    /// One event as a row without the header, for `events -w`.
    public static func line(_ event: AuditEvent) -> String {
        [StatusCoding.formatDate(event.time), event.secret, event.operation, event.vaultProfile ?? "-", event.outcome, event.message ?? ""]
            .joined(separator: "   ")
    }
}
