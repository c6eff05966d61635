import Foundation

/// The last audit events of one secret, for its page: read from the end of `audit.log`
/// (its last 1 MiB; older events are for `tresor events` and the log itself). Audit lines
/// hold names, fingerprints and outcomes, never values.
enum AuditTail {
    struct Event {
        var time, actor, operation, outcome: String
        var vaultProfile, message: String?
    }

    static let window = 1 << 20

    static func events(of secret: String, in path: String, limit: Int = 20) -> [Event] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > UInt64(window) ? size - UInt64(window) : 0
        try? handle.seek(toOffset: start)
        guard let data = try? handle.readToEnd() else { return [] }
        var lines = data.split(separator: 0x0A)
        // A window that starts mid-line drops that partial line.
        if start > 0, !lines.isEmpty { lines.removeFirst() }
        // Secret names need no JSON escaping (letters, digits, '-' and '.').
        let needle = Array("\"secret\":\"\(secret)\"".utf8)
        var events: [Event] = []
        for line in lines.reversed() where events.count < limit {
            guard line.firstRange(of: needle) != nil,
                let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any], object["secret"] as? String == secret
            else { continue }
            events.append(
                Event(
                    time: object["time"] as? String ?? "", actor: object["actor"] as? String ?? "",
                    operation: object["operation"] as? String ?? "", outcome: object["outcome"] as? String ?? "",
                    vaultProfile: object["vaultProfile"] as? String, message: object["message"] as? String))
        }
        return events
    }
}
