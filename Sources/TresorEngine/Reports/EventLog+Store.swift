import Foundation
import TresorVaults

extension EventLog {
    /// Every event of the store's audit log: `audit.log` in the directory, or the lines in etcd.
    public static func read(_ store: StateStore) -> [AuditEvent] {
        guard let etcd = store.etcd else { return read(store.auditPath) }
        return ((try? etcd.client.list(prefix: etcd.auditPrefix)) ?? []).compactMap { event(Data($0.value)) }
    }
}
