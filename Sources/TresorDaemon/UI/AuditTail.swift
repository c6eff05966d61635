import Foundation
import TresorCore
import TresorEngine

#if canImport(Glibc)
    import Glibc
#endif

/// The last audit events of one secret, for its page: read from the end of `audit.log`
/// (its last 1 MiB; older events are for `tresor events` and the log itself). Audit lines
/// hold names, fingerprints and outcomes, never values.
enum AuditTail {
    struct Event {
        var time, actor, operation, outcome: String
        var vaultProfile, message: String?
    }

    static let window = 1 << 20

    /// The secret's last events in the store's log: `audit.log`, or the last lines of the
    /// chain in etcd (as many as the file's window holds at ~400 bytes a line).
    static func events(of secret: String, store: StateStore, limit: Int = 20) -> [Event] {
        guard let recent = EventLog.recent(store, lines: window / 400) else { return events(of: secret, in: store.auditPath, limit: limit) }
        return recent.filter { $0.secret == secret }.prefix(limit).map {
            Event(
                time: StatusCoding.formatDate($0.time), actor: $0.actor, operation: $0.operation, outcome: $0.outcome,
                vaultProfile: $0.vaultProfile, message: $0.message)
        }
    }

    static func events(of secret: String, in path: String, limit: Int = 20) -> [Event] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let offset = size > UInt64(window) ? size - UInt64(window) : 0
        try? handle.seek(toOffset: offset)
        guard let data = try? handle.readToEnd() else { return [] }
        let bytes = [UInt8](data)
        // Secret names need no JSON escaping (letters, digits, '-' and '.').
        let needle = Array("\"secret\":\"\(secret)\"".utf8)
        var events: [Event] = []
        var end = bytes.count
        // From the end, line by line, decoding only lines that name the secret.
        while end > 0, events.count < limit {
            var start = end - 1
            while start > 0, bytes[start - 1] != 0x0A { start -= 1 }
            // A window that starts mid-line drops that partial line.
            if start == 0, offset > 0 { break }
            let line = bytes[start..<end]
            end = start > 0 ? start - 1 : 0
            guard line.count > needle.count, Self.contains(line, needle),
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

    /// A byte search over unsafe buffers rather than a generic Collection search: the page
    /// scans up to a megabyte of the log on every load.
    static func contains(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pin in
                guard let start = hay.baseAddress, let pattern = pin.baseAddress, let first = pin.first, hay.count >= pin.count else {
                    return false
                }
                for index in 0...(hay.count - pin.count) where hay[index] == first {
                    if memcmp(start + index, pattern, pin.count) == 0 { return true }
                }
                return false
            }
        }
    }
}
