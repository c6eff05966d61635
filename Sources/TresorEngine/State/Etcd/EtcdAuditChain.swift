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
///
/// Appends made at once share a txn (a group commit): while one txn is in flight, the
/// lines of every append that arrives meanwhile wait, in arrival order, and go together
/// in the next one. Each append still returns only once its own lines are on record (or
/// with the reason they are not), so a pass over many secrets costs a round trip per
/// group of secrets rather than per secret.
final class EtcdAuditChain: Sendable {
    let store: EtcdStateStore
    /// The head as this process last wrote or read it, with its mod_revision.
    private let known = Mutex<Known?>(nil)
    private let queue = Queue()

    struct Known {
        var head: AuditHead
        var revision: Int64
        var segments: Segments
    }

    /// Appends waiting for a txn, and whether one is in flight.
    private final class Queue: @unchecked Sendable {
        let condition = NSCondition()
        // Guarded by `condition`.
        var waiting: [(ticket: Int, events: [AuditEvent])] = []
        var outcomes: [Int: String?] = [:]
        var committing = false
        var nextTicket = 0
    }

    /// Lines per txn: etcd refuses more than 128 operations in one by default.
    static let batch = 100
    /// Races lost in a row before an append gives up.
    static let attempts = 50

    let rotation: AuditRotation

    init(store: EtcdStateStore, rotation: AuditRotation) {
        self.store = store
        self.rotation = rotation
    }

    /// Appends the events' lines; returns why not, nil when every line is on record.
    func append(_ events: [AuditEvent]) -> String? {
        let condition = queue.condition
        condition.lock()
        defer { condition.unlock() }
        let ticket = queue.nextTicket
        queue.nextTicket += 1
        queue.waiting.append((ticket, events))
        while queue.outcomes[ticket] == nil {
            guard !queue.committing else {
                condition.wait()
                continue
            }
            // This caller commits for everyone waiting: whole appends, in order, up to a
            // txn's worth of lines (an append larger than that goes alone, in several).
            var taken = 1
            var lines = queue.waiting[0].events.count
            while taken < queue.waiting.count, lines + queue.waiting[taken].events.count <= Self.batch {
                lines += queue.waiting[taken].events.count
                taken += 1
            }
            let group = queue.waiting.prefix(taken)
            queue.waiting.removeFirst(taken)
            queue.committing = true
            condition.unlock()
            let failure = commit(group.flatMap(\.events))
            condition.lock()
            for member in group { queue.outcomes[member.ticket] = .some(failure) }
            queue.committing = false
            condition.broadcast()
        }
        return queue.outcomes.removeValue(forKey: ticket) ?? nil
    }

    private func commit(_ events: [AuditEvent]) -> String? {
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
                    var bytes = 0
                    for (offset, event) in batch.enumerated() {
                        let line = Array(event.jsonLine(previous: previous).dropLast())
                        previous = AuditChain.hash(line)
                        bytes += line.count + 1
                        let key = store.auditKey(current.head.size + offset + 1)
                        compares.append(.absent(key))
                        operations.append(.put(key, line))
                    }
                    let head = AuditHead(hash: previous, size: current.head.size + batch.count)
                    let segments = current.segments.adding(bytes, last: head.size, rotation: rotation)
                    operations.append(.put(store.auditHeadKey, Self.headValue(head, segments)))
                    let result = try store.fencedTxn(compares, operations, what: "\(batch.count) audit lines")
                    if result.succeeded {
                        known = Known(head: head, revision: result.revision, segments: segments)
                        if segments.closed > rotation.keep { known = dropOldest(known!) }
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
            let anchor = try Self.anchor(in: store)
            let first = anchor?.first ?? 1
            return Known(
                head: AuditHead(hash: anchor?.hash ?? AuditChain.genesis, size: first - 1), revision: 0, segments: Segments(first: first))
        }
        guard let (head, segments) = Self.parseHead(found.value) else {
            throw AtomicFile.WriteError(
                description: "the audit chain's head \(store.auditHeadKey) in etcd is damaged; run `tresor audit verify` and restore it from backup")
        }
        if let segments { return Known(head: head, revision: found.modRevision, segments: segments) }
        return Known(head: head, revision: found.modRevision, segments: Segments(first: try Self.anchor(in: store)?.first ?? 1))
    }

    /// Where the oldest kept line's chain starts: the hash of the line before it and its
    /// number (1 when the value names none: a directory's anchor, migrated).
    static func anchor(in store: EtcdStateStore) throws -> (hash: String, first: Int)? {
        anchor(try store.client.get(store.auditAnchorKey)?.value)
    }

    static func anchor(_ value: [UInt8]?) -> (hash: String, first: Int)? {
        guard let value else { return nil }
        let lines = String(decoding: value, as: UTF8.self).split(separator: "\n")
        guard let hash = lines.first else { return nil }
        let first = lines.dropFirst().first.flatMap { $0.hasPrefix("first ") ? Int($0.dropFirst(6)) : nil } ?? 1
        return (String(hash), first)
    }
}

extension AuditChain {
    /// Checks the audit chain kept in etcd: every line numbered without a gap, each
    /// following the one before, the last one being the recorded head.
    public static func verify(in store: EtcdStateStore) throws -> LogCheck {
        var check = LogCheck()
        check.files = [store.auditPrefix]
        // Lines, head and anchor as of one revision: a writer appending meanwhile is not seen halfway.
        let snapshot = try store.client.list(prefix: store.auditRoot)
        let entries = snapshot.filter { $0.key.hasPrefix(store.auditPrefix) }
        let anchor = EtcdAuditChain.anchor(snapshot.first { $0.key == store.auditAnchorKey }?.value)
        // Lines before `first` were rotated away; the anchor holds the hash they ended with.
        let first = anchor?.first ?? 1
        var walk = Walk(previous: anchor?.hash)
        var bytes: [UInt8] = []
        for (index, entry) in entries.enumerated() {
            guard entry.key == store.auditKey(first + index), !entry.value.contains(0x0A) else {
                check.problem = "line \(first + index) (\(store.auditKey(first + index))) is missing or was edited: lines were removed or inserted"
                return check
            }
            bytes += entry.value + [0x0A]
        }
        if let problem = walk.check(bytes, file: nil, first: first) {
            check.problem = "line \(problem.line) \(problem.reason)"
            return check
        }
        check.lines = walk.lines
        check.unchained = walk.unchained
        guard let found = snapshot.first(where: { $0.key == store.auditHeadKey }) else {
            if !entries.isEmpty { check.problem = "\(entries.count) lines but no chain head \(store.auditHeadKey): the head was removed" }
            return check
        }
        guard let (head, _) = EtcdAuditChain.parseHead(found.value), head.size == first - 1 + entries.count,
            head.hash == (walk.last ?? anchor?.hash ?? genesis)
        else {
            check.problem = "the chain does not reach its recorded head \(store.auditHeadKey) (\(entries.count) lines found): lines were "
                + "removed from its end, or the head was edited"
            return check
        }
        return check
    }
}
