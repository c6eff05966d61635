import Foundation
import TresorCore

/// `tresor suspend NAME` / `resume NAME`, like `flux suspend`: the daemon leaves a
/// suspended secret alone (no writes, no drift repair) and says so, until it is resumed.
/// Kept in `<state-dir>/suspended.json`, or in etcd with the rest of the state, so every
/// daemon sharing the state sees it.
public struct Suspensions: Sendable {
    public struct Entry: Codable, Sendable, Equatable {
        public var since: Date
        public var by: String
        public var reason: String?

        public init(since: Date, by: String, reason: String?) {
            self.since = since
            self.by = by
            self.reason = reason
        }
    }

    public let path: String
    /// Set when the suspensions live in etcd (`<prefix>/suspended`, the same JSON) instead
    /// of at `path`: a suspension made on one machine then holds for the leader on another.
    public let etcd: EtcdStateStore?

    public init(stateDirectory: String) {
        path = stateDirectory + "/suspended.json"
        etcd = nil
    }

    /// The suspensions of the store: in etcd when the state is there, else in its directory.
    public init(store: StateStore) {
        path = store.root + "/suspended.json"
        etcd = store.etcd
    }

    /// Where they are kept, for messages.
    public var location: String { etcd.map { "\($0.suspendedKey) in etcd" } ?? path }

    /// Suspended secrets by name; empty when none (or no file yet).
    public func read() throws -> [String: Entry] {
        try decode(try etcd.map { try $0.client.get($0.suspendedKey)?.value } ?? AtomicFile.read(path))
    }

    private func decode(_ bytes: [UInt8]?) throws -> [String: Entry] {
        guard let bytes else { return [:] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .tresor
        do {
            return try decoder.decode([String: Entry].self, from: Data(bytes))
        } catch {
            throw AtomicFile.WriteError(
                description: "\(location) cannot be read (\(error)); restore it from backup or remove it to resume every secret")
        }
    }

    public func entry(_ name: String) -> Entry? {
        (try? read())?[name]
    }

    /// Records `name` as suspended (or not). In etcd, a txn on the revision read: a
    /// change made meanwhile by another tresor is read again and kept.
    public func set(_ name: String, _ entry: Entry?) throws {
        guard let etcd else {
            var all = try read()
            all[name] = entry
            return try AtomicFile.write(try encode(all), to: path)
        }
        for _ in 0..<Self.attempts {
            let found = try etcd.client.get(etcd.suspendedKey)
            var all = try decode(found?.value)
            all[name] = entry
            if try etcd.replace(etcd.suspendedKey, at: found?.modRevision ?? 0, with: try encode(all), what: "the suspensions") { return }
        }
        throw StateConflictError(
            description: "\(location) kept changing under \(Self.attempts) attempts to record Secret \(name); nothing was recorded: run it again")
    }

    /// Writers racing on the etcd key before a change gives up.
    static let attempts = 20

    private func encode(_ all: [String: Entry]) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .tresor
        return Array(try encoder.encode(all))
    }
}
