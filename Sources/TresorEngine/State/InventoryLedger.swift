import Foundation
import TresorCore

/// The inventory of a long-running process: read once, kept in memory, and written
/// through on every change under one lock, so concurrent per-secret passes never lose
/// each other's entries the way independent read-modify-write cycles of the file would.
public final class InventoryLedger: @unchecked Sendable {
    private let lock = NSLock()
    private let store: StateStore
    // Guarded by `lock`.
    private var inventory: Inventory

    public init(store: StateStore) throws {
        self.store = store
        self.inventory = try store.readInventory()
    }

    public var snapshot: Inventory { lock.withLock { inventory } }

    /// Sets one secret's entry (nil removes it) and writes the file when that changed
    /// anything. O(1) when nothing changes, which is every pass of a converged secret.
    public func set(_ name: String, _ entry: Inventory.Entry?) throws {
        try lock.withLock {
            guard inventory.secrets[name] != entry else { return }
            var next = inventory
            next.secrets[name] = entry
            try store.writeInventory(next)
            inventory = next
        }
    }

    /// One secret's entry.
    public func entry(_ name: String) -> Inventory.Entry? { lock.withLock { inventory.secrets[name] } }

    /// Applies `change` and writes the file when the inventory differs afterwards.
    public func update(_ change: (inout Inventory) -> Void) throws {
        try lock.withLock {
            var next = inventory
            change(&next)
            guard next != inventory else { return }
            try store.writeInventory(next)
            inventory = next
        }
    }
}
