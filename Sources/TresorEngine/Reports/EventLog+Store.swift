import Foundation
import TresorVaults

extension EventLog {
    /// Every event of the store's audit log: `audit.log` in the directory, or the lines in etcd.
    public static func read(_ store: StateStore) -> [AuditEvent] {
        guard let etcd = store.etcd else { return read(store.auditPath) }
        return ((try? etcd.client.list(prefix: etcd.auditPrefix)) ?? []).compactMap { event(Data($0.value)) }
    }

    /// The last `lines` events of the store's audit log in etcd, last first; nil for a
    /// directory store (its file is read from the end by whoever needs this).
    public static func recent(_ store: StateStore, lines: Int) -> [AuditEvent]? {
        guard let etcd = store.etcd else { return nil }
        return ((try? etcd.client.last(prefix: etcd.auditPrefix, limit: lines)) ?? []).compactMap { event(Data($0.value)) }
    }
}
