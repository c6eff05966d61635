import Foundation
import Testing
import TresorCore
import TresorEngine
import TresorVaults
import TresorTestSupport

/// The audit chain kept in etcd, on the suite's three-member cluster: writers that append
/// at once extend one chain, `audit verify` finds a line removed or edited, and a deposed
/// leader appends nothing.
extension LeaderFenceTests {

    func event(_ writer: String, _ index: Int) -> AuditEvent {
        AuditEvent(time: Date(), actor: writer, secret: "s\(index)", vaultProfile: "main", operation: "update", outcome: "success")
    }

    /// A store as one process opens it (a client of its own).
    func store(_ prefix: String, fence: LeaderFence? = nil) -> StateStore {
        StateStore(readingAt: "/nonexistent", etcd: EtcdStateStore(client: cluster.client(), prefix: prefix, fence: fence))
    }

    @Test func writersAppendingAtOnceExtendOneChainAndLoseNoLine() async throws {
        let prefix = "/audit-race-" + UUID().uuidString.lowercased()
        let writers = ["one", "two", "three"]
        let failures = try await withThrowingTaskGroup(of: [String].self) { group in
            for writer in writers {
                let log = try store(prefix).auditLog()
                group.addTask {
                    try await offloaded {
                        (0..<40).compactMap { log.appendChecked([event(writer, $0)]) }
                    }
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(failures.isEmpty, "\(failures.prefix(3))")
        let shared = store(prefix)
        let check = try await offloaded { try AuditChain.verify(in: shared.etcd!) }
        #expect(check.problem == nil, "\(check.problem ?? "")")
        #expect(check.lines == 120)
        let events = try await offloaded { EventLog.read(shared) }
        for writer in writers {
            #expect(events.filter { $0.actor == writer }.map(\.secret) == (0..<40).map { "s\($0)" }, "\(writer)'s lines, once each in order")
        }
    }

    @Test func verifyNamesALineRemovedEditedOrCutFromTheEnd() async throws {
        let prefix = "/audit-tamper-" + UUID().uuidString.lowercased()
        let shared = store(prefix)
        let etcd = try #require(shared.etcd)
        let client = etcd.client
        try await offloaded { try shared.auditLog().appendDurably((0..<6).map { event("writer", $0) }) }
        #expect(try await offloaded { try AuditChain.verify(in: etcd) }.problem == nil)

        let third = try #require(try await offloaded { try client.get(etcd.auditKey(3)) })
        try await offloaded { try client.delete(etcd.auditKey(3)) }
        let removed = try await offloaded { try AuditChain.verify(in: etcd) }.problem
        #expect(removed?.contains("line 3") == true, "\(removed ?? "no problem found")")

        let edited = String(decoding: third.value, as: UTF8.self).replacingOccurrences(of: "\"s2\"", with: "\"s9\"")
        try await offloaded { _ = try client.txn([], [.put(etcd.auditKey(3), Array(edited.utf8))]) }
        let changed = try await offloaded { try AuditChain.verify(in: etcd) }.problem
        #expect(changed?.contains("line 4 does not follow line 3") == true, "\(changed ?? "no problem found")")

        try await offloaded { _ = try client.txn([], [.put(etcd.auditKey(3), third.value)]) }
        #expect(try await offloaded { try AuditChain.verify(in: etcd) }.problem == nil)
        try await offloaded { try client.delete(etcd.auditKey(6)) }
        let cut = try await offloaded { try AuditChain.verify(in: etcd) }.problem
        #expect(cut?.contains("does not reach its recorded head") == true, "\(cut ?? "no problem found")")
    }

    @Test func aDeposedLeaderAppendsNoAuditLine() async throws {
        let prefix = "/audit-fence-" + UUID().uuidString.lowercased()
        let client = cluster.client()
        let key = prefix + "/leader"
        let lease = try await offloaded { try client.grantLease(ttl: 30) }
        #expect(try await offloaded { try client.txn([.absent(key)], [.put(key, Array("a".utf8), lease: lease)]).succeeded })
        let fence = LeaderFence()
        // A deadline far off: only etcd's compare can stop the append.
        fence.grant(LeaderFence.Hold(key: key, lease: lease), until: .now + .seconds(3600))
        let log = try store(prefix, fence: fence).auditLog()
        #expect(try await offloaded { log.appendChecked([event("leader", 0)]) } == nil)

        try await offloaded { try client.revokeLease(lease) }
        let refused = try await offloaded { log.appendChecked([event("leader", 1)]) }
        #expect(refused?.contains("not the leader") == true, "\(refused ?? "the deposed leader's line was appended")")
        let reader = try #require(store(prefix).etcd)
        let check = try await offloaded { try AuditChain.verify(in: reader) }
        #expect(check.problem == nil && check.lines == 1)
    }

    @Test func theLastEventsOfTheChainAreReadLastFirstForTheSecretsPage() async throws {
        let prefix = "/audit-recent-" + UUID().uuidString.lowercased()
        let shared = store(prefix)
        try await offloaded { try shared.auditLog().appendDurably((0..<8).map { event("writer", $0) }) }
        let recent = try #require(try await offloaded { EventLog.recent(shared, lines: 3) })
        #expect(recent.map(\.secret) == ["s7", "s6", "s5"])
        #expect(EventLog.recent(StateStore(readingAt: "/nonexistent"), lines: 3) == nil, "a directory's log is read from its file")
    }
}
