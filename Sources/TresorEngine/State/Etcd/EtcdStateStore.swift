import Crypto
import Foundation
import Synchronization
import TresorCore
import TresorVaults

/// The state under an etcd key prefix: `<prefix>/status/Secret/<name>`,
/// `<prefix>/inventory` and `<prefix>/keys/fingerprint`, each holding the bytes the
/// directory store keeps in the matching file.
///
/// Every write is a txn that compares the key's `mod_revision` with the one this process
/// last read or wrote (absent when it has seen none), so two replicas never lose each
/// other's update; with a ``LeaderFence`` it also compares the election key's lease, so a
/// deposed leader's write fails in etcd itself.
public final class EtcdStateStore: Sendable {
    public let client: EtcdClient
    public let prefix: String
    public let fence: LeaderFence?
    private let revisions = Mutex([String: Int64]())

    public init(client: EtcdClient, prefix: String, fence: LeaderFence? = nil) {
        self.client = client
        self.prefix = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        self.fence = fence
    }

    /// Names the store in messages, as a path names a directory.
    public var location: String { "etcd \(client.configuration.endpoints.joined(separator: ",")) prefix \(prefix)" }

    public func statusKey(_ name: String) -> String { prefix + "/status/Secret/" + name }
    public var statusPrefix: String { prefix + "/status/Secret/" }
    public var inventoryKey: String { prefix + "/inventory" }
    public var fingerprintKey: String { prefix + "/keys/fingerprint" }

    /// The key's bytes, nil when absent; remembers its revision for the next write.
    public func read(_ key: String) throws -> [UInt8]? {
        let found = try client.get(key)
        revisions.withLock { $0[key] = found?.modRevision ?? 0 }
        return found?.value
    }

    /// Every key under `prefix` with its bytes; remembers their revisions.
    public func readAll(under prefix: String) throws -> [(key: String, value: [UInt8])] {
        let found = try client.list(prefix: prefix)
        revisions.withLock { cache in
            for entry in found { cache[entry.key] = entry.modRevision }
        }
        return found.map { ($0.key, $0.value) }
    }

    /// The keys under `prefix`.
    public func keys(under prefix: String) throws -> [String] {
        try client.list(prefix: prefix, keysOnly: true).map(\.key)
    }

    /// Writes `bytes` if nobody changed the key since this process read or wrote it.
    public func write(_ key: String, _ bytes: [UInt8], what: String) throws {
        try commit(key, .put(key, bytes), what: what)
    }

    /// Deletes the key under the same conditions as a write.
    public func remove(_ key: String, what: String) throws {
        try commit(key, .delete(key), what: what)
        revisions.withLock { $0[key] = 0 }
    }

    private func commit(_ key: String, _ operation: EtcdClient.Operation, what: String) throws {
        let known = revisions.withLock { $0[key] }
        let result = try fencedTxn([known.map { .modRevision(key, $0) } ?? .absent(key)], [operation], what: what)
        if result.succeeded {
            revisions.withLock { $0[key] = result.revision }
            return
        }
        revisions.withLock { $0[key] = nil }
        throw StateConflictError(
            description: "\(what) changed in etcd since this process read it (another tresor wrote it); nothing was written, "
                + "the next pass reads it again")
    }

    /// A txn with the fence's compare added when this store has one; throws
    /// ``FencedError`` when it failed because this process no longer leads.
    func fencedTxn(_ compares: [EtcdClient.Compare], _ operations: [EtcdClient.Operation], what: String) throws
        -> (succeeded: Bool, revision: Int64)
    {
        var compares = compares
        if let fence {
            let hold = try fence.check(before: "writing \(what)")
            compares.append(.lease(hold.key, hold.lease))
        }
        let result = try client.txn(compares, operations)
        if !result.succeeded, let fence, let hold = fence.current, (try? client.get(hold.key))??.lease != hold.lease {
            fence.revoke()
            throw FencedError(description: "not the leader any more (the election key is gone or held by another lease): \(what) was not written")
        }
        return result
    }

    /// The fingerprint key: read from etcd, made only when no status exists under the prefix.
    public func fingerprintKeyBytes() throws -> [UInt8] {
        try keyBytes(fingerprintKey, protecting: [statusPrefix], what: "statuses", loss: "every recorded fingerprint differ")
    }

    /// A key kept under `<prefix>/keys/`: read from etcd, made only when nothing it
    /// protects (the keys under `prefixes`) exists yet.
    func keyBytes(_ name: String, protecting prefixes: [String], what: String, loss: String) throws -> [UInt8] {
        if let key = try client.get(name)?.value { return key }
        let protected = try prefixes.reduce(0) { $0 + (try client.count(prefix: $1)) }
        guard protected == 0 else {
            throw StateConflictError(
                description: "the key \(name) is missing in \(location), but \(protected) \(what) exist that it "
                    + "protects; restore it from your backup (a new key would make \(loss))")
        }
        let made = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        if try client.txn([.absent(name)], [.put(name, made)]).succeeded { return made }
        guard let key = try client.get(name)?.value else {
            throw StateConflictError(description: "the key \(name) could not be created in \(location)")
        }
        return key
    }
}

/// A state write lost a race with another writer: nothing was written.
public struct StateConflictError: Error, CustomStringConvertible, Sendable {
    public var description: String
}
