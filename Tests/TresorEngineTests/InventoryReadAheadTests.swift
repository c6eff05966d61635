import Foundation
import Testing
import TresorCore

@testable import TresorEngine

/// The inventory read while the manifests load is used only if `inventory.yaml` is still
/// the file that was read when the command asks for it (after taking the state lock).
@Suite struct InventoryReadAheadTests {
    static func inventory(_ names: [String]) -> Inventory {
        Inventory(secrets: Dictionary(uniqueKeysWithValues: names.map {
            ($0, Inventory.Entry(type: .apiKey, deletionPolicy: .retain, targets: ["main": "apps/" + $0]))
        }))
    }

    /// A state directory holding an inventory of `names`, its modification time set back
    /// a minute, so that any later write shows in it whatever the clock's granularity.
    static func store(_ names: [String]) throws -> StateStore {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-ahead-\(UUID().uuidString)").path
        let store = try StateStore(root: root)
        try store.writeInventory(inventory(names))
        var past = [timespec(tv_sec: time(nil) - 60, tv_nsec: 0), timespec(tv_sec: time(nil) - 60, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, store.inventoryPath, &past, 0) == 0)
        return store
    }

    @Test func anInventoryUnchangedSinceTheReadIsTheOneRead() throws {
        var store = try Self.store(["a", "b"])
        defer { try? FileManager.default.removeItem(atPath: store.root) }
        store.readAhead = InventoryReadAhead.start(path: store.inventoryPath)
        #expect(try store.readInventory() == Self.inventory(["a", "b"]))
    }

    @Test func anInventoryReplacedAfterTheReadIsReadAgain() throws {
        var store = try Self.store(["a", "b"])
        defer { try? FileManager.default.removeItem(atPath: store.root) }
        let ahead = InventoryReadAhead.start(path: store.inventoryPath)
        ahead.waitUntilRead()
        try store.writeInventory(Self.inventory(["a", "b", "c"]))
        store.readAhead = ahead
        #expect(try store.readInventory() == Self.inventory(["a", "b", "c"]))
    }

    @Test func anInventoryEditedInPlaceAfterTheReadIsReadAgain() throws {
        var store = try Self.store(["a", "b"])
        defer { try? FileManager.default.removeItem(atPath: store.root) }
        let ahead = InventoryReadAhead.start(path: store.inventoryPath)
        ahead.waitUntilRead()
        // Same length, same inode: only the file's times tell.
        let text = try String(contentsOfFile: store.inventoryPath, encoding: .utf8).replacingOccurrences(of: "apps/b", with: "apps/x")
        let handle = try #require(FileHandle(forWritingAtPath: store.inventoryPath))
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
        store.readAhead = ahead
        #expect(try store.readInventory().secrets["b"]?.targets == ["main": "apps/x"])
    }

    @Test func anInventoryCreatedAfterTheReadIsRead() throws {
        var store = try Self.store([])
        defer { try? FileManager.default.removeItem(atPath: store.root) }
        unlink(store.inventoryPath)
        let ahead = InventoryReadAhead.start(path: store.inventoryPath)
        ahead.waitUntilRead()
        try store.writeInventory(Self.inventory(["new"]))
        store.readAhead = ahead
        #expect(try store.readInventory() == Self.inventory(["new"]))
    }
}
