import Foundation
import TresorCore
import TresorVaults

/// Copies the state that a store keeps in etcd (statuses, inventory, fingerprint key, and
/// the records of `StateMigration+Records.swift`) between a state directory and an etcd
/// prefix, byte for byte. The target must be
/// empty: a copy never overwrites state.
public enum StateMigration {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public struct Summary: Sendable {
        public var statuses: Int
        public var inventory: Bool
        public var fingerprintKey: Bool
        public var records = Records()
    }

    /// Puts per txn: etcd refuses more than 128 operations in one by default.
    static let batch = 100

    /// Directory → etcd. Refuses a prefix that holds anything.
    public static func copy(from directory: String, to etcd: EtcdStateStore) throws -> Summary {
        let source = StateStore(readingAt: directory)
        let present = try etcd.client.count(prefix: etcd.prefix + "/")
        guard present == 0 else {
            throw Failure(
                description: "\(etcd.location) already holds \(present) keys; a migration never overwrites state: pick an empty --etcd-prefix")
        }
        guard FileManager.default.fileExists(atPath: directory) else {
            throw Failure(description: "no state directory at \(directory); check --from-state-dir")
        }
        var puts: [(String, [UInt8])] = []
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: source.statusDirectory)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
        for file in names {
            let name = String(file.dropLast(5))
            // Read through the store so that a damaged status stops the copy, not the next run.
            _ = try source.readStatus(name)
            guard let bytes = try AtomicFile.read(source.statusPath(name)) else { continue }
            puts.append((etcd.statusKey(name), bytes))
        }
        let inventory = try AtomicFile.read(source.inventoryPath)
        if let inventory {
            _ = try source.readInventory()
            puts.append((etcd.inventoryKey, inventory))
        }
        let key = try KeyFile.load(source.fingerprintKeyPath, purpose: StateStore.fingerprintKeyPurpose)
        if let key {
            _ = try source.fingerprinter()
            puts.append((etcd.fingerprintKey, key))
        } else if !names.isEmpty {
            throw Failure(description: "\(source.fingerprintKeyPath) is missing, but \(names.count) status files exist; restore it first")
        }
        let records = try recordPuts(from: source, to: etcd)
        puts += records.puts
        for start in stride(from: 0, to: puts.count, by: batch) {
            let slice = puts[start..<min(start + batch, puts.count)]
            let done = try etcd.client.txn(slice.map { .absent($0.0) }, slice.map { .put($0.0, $0.1) })
            guard done.succeeded else {
                throw Failure(description: "another writer created keys under \(etcd.location) during the migration; nothing more was copied")
            }
        }
        return Summary(statuses: names.count, inventory: inventory != nil, fingerprintKey: key != nil, records: records.records)
    }

    /// etcd → directory. Refuses a directory that already holds statuses, an inventory or a key.
    public static func copy(from etcd: EtcdStateStore, to directory: String) throws -> Summary {
        let target = try StateStore(root: directory)
        let existing = ((try? FileManager.default.contentsOfDirectory(atPath: target.statusDirectory)) ?? []).filter { $0.hasSuffix(".yaml") }
        guard existing.isEmpty, !FileManager.default.fileExists(atPath: target.inventoryPath),
              !FileManager.default.fileExists(atPath: target.fingerprintKeyPath), recordsPresent(in: target) == nil
        else {
            throw Failure(description: "\(directory) already holds state; a migration never overwrites state: pick an empty --to-state-dir")
        }
        let source = StateStore(readingAt: directory, etcd: etcd)
        let records = try copyRecords(from: etcd, to: target)
        let statuses = try etcd.readAll(under: etcd.statusPrefix)
        for entry in statuses {
            let name = String(entry.key.dropFirst(etcd.statusPrefix.count))
            if let problem = ObjectNames.problem(name) { throw Failure(description: "\(entry.key): \(problem)") }
            _ = try source.decodeStatus(name, entry.value)
            try AtomicFile.write(entry.value, to: target.statusPath(name), directorySync: .deferred)
        }
        target.syncStatuses()
        let inventory = try etcd.read(etcd.inventoryKey)
        if let inventory {
            _ = try source.readInventory()
            try AtomicFile.write(inventory, to: target.inventoryPath)
        }
        let key = try etcd.client.get(etcd.fingerprintKey)?.value
        if let key { try AtomicFile.write(key, to: target.fingerprintKeyPath) }
        return Summary(statuses: statuses.count, inventory: inventory != nil, fingerprintKey: key != nil, records: records)
    }
}
