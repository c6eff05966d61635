import Foundation
import Synchronization
import TresorCore
import TresorVaults

/// The audit log in etcd: one key per line (`<prefix>/audit/line/<number>`, the same JSON
/// as a line of `audit.log`, chained by `prev` to the line before) and the chain head
/// (`<prefix>/audit/head`, as `audit.log.head` with the line count for the size).
///
/// An append is one txn that puts the next numbered lines only where no line is yet and
/// moves the head only if it is still at the revision the lines were chained from (and,
/// on a leader, only while it holds the election key). Two writers therefore never fork
/// the chain or overwrite a line: the one that lost the race chains again from the new head.
final class EtcdAuditChain: Sendable {
    let store: EtcdStateStore
    /// The head as this process last wrote or read it, with its mod_revision.
    private let known = Mutex<Known?>(nil)

    struct Known {
        var head: AuditHead
        var revision: Int64
    }

    /// Lines per txn: etcd refuses more than 128 operations in one by default.
    static let batch = 100
    /// Races lost in a row before an append gives up.
    static let attempts = 50

    init(store: EtcdStateStore) {
        self.store = store
    }

    /// Appends the events' lines; returns why not, nil when every line is on record.
    func append(_ events: [AuditEvent]) -> String? {
        for start in stride(from: 0, to: events.count, by: Self.batch) {
            if let failure = append(batch: events[start..<min(start + Self.batch, events.count)]) { return failure }
        }
        return nil
    }

    private func append(batch: ArraySlice<AuditEvent>) -> String? {
        known.withLock { known -> String? in
            do {
                for _ in 0..<Self.attempts {
                    let current = try known ?? readHead()
                    var previous = current.head.hash
                    // Revision 0: no head yet, and none may appear meanwhile.
                    var compares: [EtcdClient.Compare] = [.modRevision(store.auditHeadKey, current.revision)]
                    var operations: [EtcdClient.Operation] = []
                    for (offset, event) in batch.enumerated() {
                        let line = Array(event.jsonLine(previous: previous).dropLast())
                        previous = AuditChain.hash(line)
                        let key = store.auditKey(current.head.size + offset + 1)
                        compares.append(.absent(key))
                        operations.append(.put(key, line))
                    }
                    let head = AuditHead(hash: previous, size: current.head.size + batch.count)
                    operations.append(.put(store.auditHeadKey, head.line))
                    let result = try store.fencedTxn(compares, operations, what: "\(batch.count) audit lines")
                    if result.succeeded {
                        known = Known(head: head, revision: result.revision)
                        return nil
                    }
                    known = nil
                }
                return "the audit chain in \(store.location) kept moving under \(Self.attempts) attempts to extend it"
            } catch {
                known = nil
                return "\(error)"
            }
        }
    }

    /// The head in etcd; with none yet, the chain starts at the anchor (a migrated log whose
    /// oldest lines were rotated away) or at the genesis hash.
    func readHead() throws -> Known {
        guard let found = try store.client.get(store.auditHeadKey) else {
            return Known(head: AuditHead(hash: try Self.anchor(in: store) ?? AuditChain.genesis, size: 0), revision: 0)
        }
        guard let head = AuditHead(found.value) else {
            throw AtomicFile.WriteError(
                description: "the audit chain's head \(store.auditHeadKey) in etcd is damaged; run `tresor audit verify` and restore it from backup")
        }
        return Known(head: head, revision: found.modRevision)
    }

    static func anchor(in store: EtcdStateStore) throws -> String? {
        try store.client.get(store.auditAnchorKey).flatMap { String(decoding: $0.value, as: UTF8.self).split(separator: "\n").first }
            .map(String.init)
    }
}

extension AuditChain {
    /// Checks the audit chain kept in etcd: every line numbered without a gap, each
    /// following the one before, the last one being the recorded head.
    public static func verify(in store: EtcdStateStore) throws -> LogCheck {
        var check = LogCheck()
        check.files = [store.auditPrefix]
        let entries = try store.client.list(prefix: store.auditPrefix)
        var walk = Walk(previous: try EtcdAuditChain.anchor(in: store))
        var bytes: [UInt8] = []
        for (index, entry) in entries.enumerated() {
            guard entry.key == store.auditKey(index + 1), !entry.value.contains(0x0A) else {
                check.problem = "line \(index + 1) (\(store.auditKey(index + 1))) is missing or was edited: lines were removed or inserted"
                return check
            }
            bytes += entry.value + [0x0A]
        }
        if let problem = walk.check(bytes, file: nil) {
            check.problem = "line \(problem.line) \(problem.reason)"
            return check
        }
        check.lines = walk.lines
        check.unchained = walk.unchained
        guard let found = try store.client.get(store.auditHeadKey) else {
            if !entries.isEmpty { check.problem = "\(entries.count) lines but no chain head \(store.auditHeadKey): the head was removed" }
            return check
        }
        guard let head = AuditHead(found.value), head.size == entries.count, head.hash == (walk.last ?? genesis) else {
            check.problem = "the chain does not reach its recorded head \(store.auditHeadKey) (\(entries.count) lines found): lines were "
                + "removed from its end, or the head was edited"
            return check
        }
        return check
    }
}
