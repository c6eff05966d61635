import Foundation
import TresorCore

#if canImport(Glibc)
    import Glibc
#endif

/// The inventory read on a thread of its own while a command loads its manifests: at
/// 100,000 secrets it is 12 MB, a second of one core the pass would otherwise wait for
/// before its first secret.
///
/// What was read ahead is used only while `inventory.yaml` is still the file that was read
/// (device, inode, size, modification and change times): tresor replaces the file by
/// rename (a new inode) and an edit in place changes its times, so a write since shows,
/// and the inventory is then read again. A command that writes (and takes the state lock
/// after loading its manifests) would get no older an inventory than by reading it itself.
public final class InventoryReadAhead: @unchecked Sendable {
    private let path: String
    private let condition = NSCondition()
    // Guarded by `condition`; nil until the read is done, then taken once.
    private var read: (identity: FileIdentity, result: Result<Inventory, any Error>)?
    private var done = false

    /// Starts reading the inventory at `path` (a state directory's `inventory.yaml`).
    public static func start(path: String) -> InventoryReadAhead {
        let ahead = InventoryReadAhead(path: path)
        let thread = Thread { ahead.readNow() }
        thread.name = "tresor-inventory"
        thread.start()
        return ahead
    }

    private init(path: String) {
        self.path = path
    }

    private func readNow() {
        var outcome: (identity: FileIdentity, result: Result<Inventory, any Error>)?
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        var info = stat()
        // Read from the descriptor whose identity is kept, so the two always belong together.
        // Missing (a fresh state directory) or unreadable: the command's own read says which.
        if descriptor >= 0, fstat(descriptor, &info) == 0, let bytes = try? AtomicFile.readToEnd(descriptor, expected: Int(info.st_size)) {
            outcome = (FileIdentity(info), Result { try StateStore.decodeInventory(bytes, path: path) })
        }
        if descriptor >= 0 { close(descriptor) }
        condition.lock()
        read = outcome
        done = true
        condition.broadcast()
        condition.unlock()
    }

    /// The inventory read ahead (or its error) when `inventory.yaml` is still the file that
    /// was read; nil when it is not (or was not read), and the caller reads it itself.
    func inventory() throws -> Inventory? {
        waitUntilRead()
        condition.lock()
        let taken = read
        read = nil
        condition.unlock()
        guard let taken else { return nil }
        var info = stat()
        guard stat(path, &info) == 0, FileIdentity(info) == taken.identity else { return nil }
        return try taken.result.get()
    }
}

extension InventoryReadAhead {
    func waitUntilRead() {
        condition.lock()
        while !done { condition.wait() }
        condition.unlock()
    }
}
