import Foundation
import Testing
import TresorCore
import TresorEngine
import TresorVaults
import TresorTestSupport

/// The audit chain in etcd rotates as `audit.log` does: once more than `keep` segments of
/// `maxBytes` are full, the oldest one's lines go, the anchor records where the chain now
/// starts, and `audit verify` still finds the rest whole, for every writer.
extension LeaderFenceTests {
    @Test func theAuditChainInEtcdRotatesAndStaysWhole() async throws {
        let prefix = "/audit-rotation-" + UUID().uuidString.lowercased()
        var writer = store(prefix)
        writer.auditRotation = AuditRotation(maxBytes: 2_000, keep: 2)
        var other = store(prefix)
        other.auditRotation = writer.auditRotation
        let etcd = try #require(writer.etcd)
        let first = try writer.auditLog()
        let second = try other.auditLog()
        // Two writers, several lines an append: each line is about 170 bytes.
        let failures = try await offloaded {
            (0..<40).compactMap { round in
                (round % 2 == 0 ? first : second).appendChecked((0..<3).map { event(round % 2 == 0 ? "one" : "two", round * 3 + $0) })
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(3))")

        let check = try await offloaded { try AuditChain.verify(in: etcd) }
        #expect(check.problem == nil, "\(check.problem ?? "")")
        let keys = try await offloaded { try etcd.client.list(prefix: etcd.auditPrefix, keysOnly: true).map(\.key) }
        let bytes = try await offloaded { try etcd.client.list(prefix: etcd.auditPrefix).reduce(0) { $0 + $1.value.count + 1 } }
        // At most `keep` full segments and the open one, as audit.log and its two rotated files.
        #expect(bytes < 3 * (2_000 + 3 * 200), "\(bytes) bytes kept in \(keys.count) lines: the chain did not rotate")
        #expect(keys.count < 120 && check.lines == keys.count)
        let anchor = try #require(try await offloaded { try etcd.client.get(etcd.auditAnchorKey) }, "no anchor after a rotation")
        let firstKept = try #require(keys.first)
        #expect(String(decoding: anchor.value, as: UTF8.self).contains("first \(Int(firstKept.dropFirst(etcd.auditPrefix.count)) ?? 0)"))
        #expect(keys.last == etcd.auditKey(120), "line numbers go on across rotations")
        let reader = writer
        let events = try await offloaded { EventLog.read(reader) }
        #expect(events.last?.secret == "s119" && events.count == keys.count)

        // A line edited after the rotation is still found.
        let kept = try #require(try await offloaded { try etcd.client.get(keys[1]) })
        let edited = String(decoding: kept.value, as: UTF8.self).replacingOccurrences(of: "\"update\"", with: "\"delete\"")
        try await offloaded { _ = try etcd.client.txn([], [.put(keys[1], Array(edited.utf8))]) }
        let problem = try await offloaded { try AuditChain.verify(in: etcd) }.problem
        let number = Int(keys[2].dropFirst(etcd.auditPrefix.count)) ?? 0
        #expect(problem?.contains("line \(number) does not follow line \(number - 1)") == true, "\(problem ?? "no problem found")")
    }
}
