import Foundation
import TresorCore
import TresorVaults

/// The audit chain in etcd rotates as `audit.log` does (`--audit-max-size`, five kept):
/// its lines fall into segments of about `maxBytes`; once more than `keep` segments are
/// closed, the oldest one's lines are deleted and the anchor records the hash of its last
/// line and the number of the first line kept, where `audit verify` then starts. Line
/// numbers never restart, so a line keeps its key for as long as it is kept.
///
/// The segments are recorded on the head's second line (`segments <first line of each
/// kept segment, the last one open> bytes <size of the open one>`), so every append and
/// every rotation moves the head and is serialised by its compare on mod_revision.
extension EtcdAuditChain {
    struct Segments: Equatable {
        /// The first line of each kept segment, oldest first; the last one is open.
        var starts: [Int]
        /// The bytes of the open segment (lines and their newlines, as in a file).
        var bytes: Int

        init(first: Int) {
            starts = [first]
            bytes = 0
        }

        init?(_ line: Substring) {
            let fields = line.split(separator: " ")
            guard fields.count >= 4, fields[0] == "segments", fields[fields.count - 2] == "bytes",
                let bytes = Int(fields[fields.count - 1]), bytes >= 0
            else { return nil }
            let starts = fields[1..<(fields.count - 2)].compactMap { Int($0) }
            guard starts.count == fields.count - 3, zip(starts, starts.dropFirst()).allSatisfy({ $0 < $1 }) else { return nil }
            self.starts = starts
            self.bytes = bytes
        }

        var line: String { "segments " + starts.map(String.init).joined(separator: " ") + " bytes \(bytes)" }

        /// Closed segments (every one but the open).
        var closed: Int { starts.count - 1 }

        /// After `bytes` more ending at line `last`: the open segment closes once it holds
        /// `maxBytes`, as `audit.log` rotates once it reaches that size.
        func adding(_ added: Int, last: Int, rotation: AuditRotation) -> Segments {
            var next = self
            next.bytes += added
            if next.bytes >= rotation.maxBytes {
                next.starts.append(last + 1)
                next.bytes = 0
            }
            return next
        }
    }

    static func headValue(_ head: AuditHead, _ segments: Segments) -> [UInt8] {
        head.line + Array((segments.line + "\n").utf8)
    }

    /// The head's line and the segments line after it (nil: none recorded yet).
    static func parseHead(_ value: [UInt8]) -> (AuditHead, Segments?)? {
        let lines = String(decoding: value, as: UTF8.self).split(separator: "\n")
        guard let first = lines.first, let head = AuditHead(first.utf8) else { return nil }
        guard lines.count > 1 else { return (head, nil) }
        guard lines.count == 2, let segments = Segments(lines[1]) else { return nil }
        return (head, segments)
    }

    /// Deletes the oldest segments beyond `keep` in one txn on the head's revision, with
    /// the anchor moved past them. Returns the head as it is afterwards; a rotation that
    /// did not happen (another writer moved the head, etcd did not answer) is left to the
    /// next append, which finds the same segments still to drop.
    func dropOldest(_ known: Known) -> Known? {
        let count = known.segments.closed - rotation.keep
        guard count > 0 else { return known }
        var segments = known.segments
        let oldest = segments.starts[0]
        segments.starts.removeFirst(count)
        let kept = segments.starts[0]
        do {
            guard let end = try store.client.get(store.auditKey(kept - 1)) else { return nil }
            let anchor = Array((AuditChain.hash(end.value) + "\nfirst \(kept)\n").utf8)
            let result = try store.fencedTxn(
                [.modRevision(store.auditHeadKey, known.revision)],
                [
                    .deleteRange(store.auditKey(oldest), store.auditKey(kept)), .put(store.auditAnchorKey, anchor),
                    .put(store.auditHeadKey, Self.headValue(known.head, segments)),
                ], what: "the audit chain's rotation")
            return result.succeeded ? Known(head: known.head, revision: result.revision, segments: segments) : nil
        } catch {
            return nil
        }
    }
}
