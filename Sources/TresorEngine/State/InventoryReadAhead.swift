import Foundation
import TresorCore

/// The inventory read on a thread of its own while a command that only reads (a plan)
/// loads its manifests: at 100,000 secrets the inventory is 12 MB, a second of one core
/// the pass would otherwise wait for before its first secret. A command that writes reads
/// it under the state lock instead, which it takes after the manifests load.
public final class InventoryReadAhead: @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var result: Result<Inventory, any Error>?

    /// Starts reading the inventory of a directory store (nothing for etcd, which reads it
    /// in one request when asked).
    public static func start(_ store: StateStore) -> InventoryReadAhead? {
        guard store.readOnly, store.etcd == nil else { return nil }
        let ahead = InventoryReadAhead()
        let thread = Thread {
            let read = Result { try store.readInventory() }
            ahead.condition.lock()
            ahead.result = read
            ahead.condition.broadcast()
            ahead.condition.unlock()
        }
        thread.name = "tresor-inventory"
        thread.start()
        return ahead
    }

    /// The inventory, or the error reading it, once the read is done.
    func inventory() throws -> Inventory {
        condition.lock()
        defer { condition.unlock() }
        while result == nil { condition.wait() }
        return try result!.get()
    }
}
