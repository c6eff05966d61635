import Foundation
import TresorCore
import TresorVaults

/// Where the records beside the statuses live under the prefix: approval requests,
/// the rules in force, the audit chain and the approvals key.
extension EtcdStateStore {
    /// The election key: held, under its lease, by the replica that leads.
    public var leaderKey: String { prefix + "/leader" }
    public var approvalsPrefix: String { prefix + "/approvals/" }
    public func approvalKey(_ secret: String) -> String { approvalsPrefix + secret }
    public var rulesKey: String { prefix + "/rules" }
    /// The suspended secrets (`tresor suspend`), as `suspended.json` in a directory.
    public var suspendedKey: String { prefix + "/suspended" }
    public var approvalSealKey: String { prefix + "/keys/approvals" }
    /// Everything of the audit chain: its lines, head and anchor.
    public var auditRoot: String { prefix + "/audit/" }
    /// One key per audit line, numbered from 1 with 20 digits so that key order is line order.
    public var auditPrefix: String { prefix + "/audit/line/" }
    public func auditKey(_ number: Int) -> String {
        let digits = String(number)
        return auditPrefix + String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }
    /// The chain head: the hash of the last line and how many lines there are.
    public var auditHeadKey: String { prefix + "/audit/head" }
    /// Where the first line's chain starts when older lines were rotated away before a migration.
    public var auditAnchorKey: String { prefix + "/audit/anchor" }

    /// Replaces the key's value if it is still at `revision` (0: still absent), fenced as
    /// every write; false when another writer got there first.
    func replace(_ key: String, at revision: Int64, with bytes: [UInt8], what: String) throws -> Bool {
        try fencedTxn([.modRevision(key, revision)], [.put(key, bytes)], what: what).succeeded
    }
}
