import Foundation
import TresorCore
import TresorVaults

/// The records beside the statuses in a migration: approval requests, the rules in force,
/// the approvals key and the audit chain, each copied byte for byte (an audit line keeps
/// its `prev`, so the chain holds on either side).
extension StateMigration {
    /// What was copied besides statuses, inventory and fingerprint key.
    public struct Records: Sendable {
        public var approvals = 0
        public var rules = false
        public var approvalKey = false
        public var auditLines = 0
    }

    /// The puts that copy the directory's records into etcd; checks each one reads first.
    static func recordPuts(from source: StateStore, to etcd: EtcdStateStore) throws -> (puts: [(String, [UInt8])], records: Records) {
        var puts: [(String, [UInt8])] = []
        var records = Records()
        let approvals = ApprovalStore(stateStore: source)
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: approvals.directory)) ?? []).filter { $0.hasSuffix(".yaml") }
        for file in files.sorted() {
            let secret = String(file.dropLast(5))
            _ = try approvals.read(secret)
            guard let bytes = try AtomicFile.read(approvals.path(secret)) else { continue }
            puts.append((etcd.approvalKey(secret), bytes))
            records.approvals += 1
        }
        if let rules = try AtomicFile.read(source.rulesPath) {
            _ = try source.readRulesInForce(seal: try source.approvalSeal())
            puts.append((etcd.rulesKey, rules))
            records.rules = true
        }
        if let key = try KeyFile.load(source.approvalKeyPath, purpose: ApprovalSeal.purpose) {
            puts.append((etcd.approvalSealKey, key))
            records.approvalKey = true
        } else if !puts.isEmpty {
            throw Failure(description: "\(source.approvalKeyPath) is missing, but approval records exist that it seals; restore it first")
        }
        let suspensions = Suspensions(store: source)
        if let bytes = try AtomicFile.read(suspensions.path) {
            _ = try suspensions.read()
            puts.append((etcd.suspendedKey, bytes))
        }
        let audit = try auditPuts(from: source.auditPath, to: etcd)
        records.auditLines = audit.lines
        return (puts + audit.puts, records)
    }

    /// The audit log's lines (rotated files first) as numbered keys, its head and its anchor.
    /// A chain that does not hold is not copied: the copy would move where it breaks.
    private static func auditPuts(from path: String, to etcd: EtcdStateStore) throws -> (puts: [(String, [UInt8])], lines: Int) {
        guard FileManager.default.fileExists(atPath: path) else { return ([], 0) }
        let check = try AuditChain.verifyLog(at: path)
        if let problem = check.problem {
            throw Failure(
                description: "the audit log's chain does not hold (\(problem)); nothing was copied. Run `tresor audit verify`, keep "
                    + "the log as evidence, and move it aside to migrate without it")
        }
        var puts: [(String, [UInt8])] = []
        var last: String?
        if let anchor = try AtomicFile.read(path + ".anchor") {
            puts.append((etcd.auditAnchorKey, anchor))
            last = String(decoding: anchor, as: UTF8.self).split(separator: "\n").first.map(String.init)
        }
        var number = 0
        for file in check.files {
            for line in (try AtomicFile.read(file) ?? []).split(separator: 0x0A) {
                number += 1
                puts.append((etcd.auditKey(number), Array(line)))
                last = AuditChain.hash(line)
            }
        }
        if number > 0 { puts.append((etcd.auditHeadKey, AuditHead(hash: last ?? AuditChain.genesis, size: number).line)) }
        return (puts, number)
    }

    /// Why the directory cannot take the etcd records (it holds some already); nil when it can.
    static func recordsPresent(in target: StateStore) -> String? {
        let approvals = ApprovalStore(stateStore: target).directory
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: approvals)) ?? []).filter { $0.hasSuffix(".yaml") }
        if !files.isEmpty { return "\(files.count) approval files in \(approvals)" }
        for path in [target.rulesPath, target.approvalKeyPath, target.auditPath, Suspensions(store: target).path]
        where (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int).map({ $0 > 0 }) ?? false {
            return path
        }
        return nil
    }

    /// Writes the etcd records into the directory, after checking that each reads.
    static func copyRecords(from etcd: EtcdStateStore, to target: StateStore) throws -> Records {
        var records = Records()
        let source = try StateStore(root: target.root, etcd: etcd)
        let check = try AuditChain.verify(in: etcd)
        if let problem = check.problem {
            throw Failure(
                description: "the audit chain in \(etcd.location) does not hold (\(problem)); nothing more was copied. Run "
                    + "`tresor audit verify` against it and keep it as evidence")
        }
        let approvals = ApprovalStore(stateStore: source)
        for entry in try etcd.client.list(prefix: etcd.approvalsPrefix) {
            let secret = String(entry.key.dropFirst(etcd.approvalsPrefix.count))
            guard ApprovalSubject.isValid(secret) else { throw Failure(description: "\(entry.key): not a secret's approval record") }
            _ = try approvals.read(secret)
            try AtomicFile.makeDirectory(target.root + "/approvals")
            try AtomicFile.write(entry.value, to: ApprovalStore(stateStore: target).path(secret))
            records.approvals += 1
        }
        if let key = try etcd.client.get(etcd.approvalSealKey)?.value {
            try AtomicFile.write(key, to: target.approvalKeyPath)
            records.approvalKey = true
        }
        if let rules = try etcd.client.get(etcd.rulesKey)?.value {
            _ = try source.readRulesInForce(seal: try source.approvalSeal())
            try AtomicFile.write(rules, to: target.rulesPath)
            records.rules = true
        }
        if let suspended = try etcd.client.get(etcd.suspendedKey)?.value {
            _ = try Suspensions(store: source).read()
            try AtomicFile.write(suspended, to: Suspensions(store: target).path)
        }
        let lines = try etcd.client.list(prefix: etcd.auditPrefix)
        // The directory's anchor is the hash alone: its files need no line numbers.
        if let anchor = try EtcdAuditChain.anchor(in: etcd) { try AtomicFile.write(Array((anchor.hash + "\n").utf8), to: target.auditPath + ".anchor") }
        if !lines.isEmpty {
            let bytes: [UInt8] = lines.reduce(into: []) { $0 += $1.value + [0x0A] }
            try AtomicFile.write(bytes, to: target.auditPath)
            let head = AuditHead(hash: AuditChain.hash(lines[lines.count - 1].value), size: bytes.count)
            try AtomicFile.write(head.line, to: target.auditPath + ".head")
        }
        records.auditLines = lines.count
        return records
    }
}
