import Foundation
import TresorCore
import TresorVaults

/// Approval requests kept in etcd, one key per secret. A read-modify-write is a txn on
/// the revision it read (instead of the directory's file lock): two writers never lose
/// each other's decision; the one that lost is told and records nothing.
extension ApprovalStore {
    /// Where the secret's requests are kept, for messages.
    func location(_ secret: String) -> String {
        etcd.map { "\($0.approvalKey(secret)) in etcd" } ?? path(secret)
    }

    /// Whether the secret has any approval request on record.
    public func exists(_ secret: String) throws -> Bool {
        guard let etcd else { return FileManager.default.fileExists(atPath: path(secret)) }
        return try etcd.client.get(etcd.approvalKey(secret)) != nil
    }

    func bytes(_ secret: String) throws -> [UInt8]? {
        guard let etcd else { return try AtomicFile.read(path(secret)) }
        return try etcd.client.get(etcd.approvalKey(secret))?.value
    }

    func update<Result>(in etcd: EtcdStateStore, _ secret: String, _ change: (inout ApprovalFile) throws -> Result) throws -> Result {
        let key = etcd.approvalKey(secret)
        let found = try etcd.client.get(key)
        let before = try found.map { try decode($0.value, secret) } ?? ApprovalFile()
        var file = before
        let result = try change(&file)
        guard file != before else { return result }
        let what = "the approval requests of \(ApprovalSubject.described(secret))"
        guard try etcd.replace(key, at: found?.modRevision ?? 0, with: Array(try StatusCoding.encode(file).utf8), what: what) else {
            throw StateConflictError(
                description: "\(what) changed in etcd while this was being decided (another tresor wrote them); nothing was "
                    + "recorded: run it again")
        }
        return result
    }

    func all(in etcd: EtcdStateStore) throws -> [String: ApprovalFile] {
        var files: [String: ApprovalFile] = [:]
        for entry in try etcd.client.list(prefix: etcd.approvalsPrefix) {
            let secret = String(entry.key.dropFirst(etcd.approvalsPrefix.count))
            files[secret] = try decode(entry.value, secret)
        }
        return files
    }
}
