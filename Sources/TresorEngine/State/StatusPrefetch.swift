import TresorCore

/// Statuses read up front for a pass that needs all of them before it starts
/// (compliance's uniqueness index), or whose store is etcd: files on all cores, etcd in
/// one range read. The pass then takes each secret's status from here instead of
/// reading it a second time.
public struct StatusPrefetch: Sendable {
    struct ReadError: Error, CustomStringConvertible {
        var description: String
    }

    private let entries: [String: Result<SecretStatus?, ReadError>]

    /// Reads the status of each name (a missing file is a nil status; an unreadable one is
    /// kept as its error, which fails that secret's own pass, as a direct read would).
    public static func read(_ names: [String], store: StateStore) -> StatusPrefetch {
        if let etcd = store.etcd { return read(names, store: store, etcd: etcd) }
        let results = names.concurrentMap(chunk: 64) { name in
            Result { try store.readStatus(name) }.mapError { ReadError(description: "\($0)") }
        }
        return StatusPrefetch(entries: Dictionary(zip(names, results), uniquingKeysWith: { first, _ in first }))
    }

    /// The statuses in etcd in one range read (a page at a time) instead of a round trip
    /// per secret.
    private static func read(_ names: [String], store: StateStore, etcd: EtcdStateStore) -> StatusPrefetch {
        let (statuses, damaged) = store.readAllStatuses(from: etcd)
        var entries: [String: Result<SecretStatus?, ReadError>] = [:]
        entries.reserveCapacity(names.count)
        let unreadable = damaged.first { $0.name == "*" }
        for name in names { entries[name] = unreadable.map { .failure(ReadError(description: $0.problem)) } ?? .success(nil) }
        for status in statuses where entries[status.name] != nil { entries[status.name] = .success(status) }
        for entry in damaged where entries[entry.name] != nil { entries[entry.name] = .failure(ReadError(description: entry.problem)) }
        return StatusPrefetch(entries: entries)
    }

    /// The status as read (`.some(nil)`: no status file); nil when `name` was not read.
    func lookup(_ name: String) throws -> SecretStatus?? {
        guard let entry = entries[name] else { return nil }
        return .some(try entry.get())
    }

    /// Every status that was read and exists, by secret name.
    var statuses: [String: SecretStatus] {
        entries.compactMapValues { try? $0.get() }
    }
}
