import Foundation
import TresorCore
import TresorVaults

#if canImport(Glibc)
    import Glibc
#endif

/// The state directory: status files, inventory, audit log and keys, all 0600 in 0700
/// directories, all written atomically.
public struct StateStore: Sendable {
    public let root: String
    /// Opened by a command that writes nothing: keys that do not exist yet are throwaway.
    public let readOnly: Bool
    /// When `audit.log` rotates (`--audit-max-size`).
    public var auditRotation = AuditRotation()
    /// Status, inventory and the fingerprint key live here instead of under `root` when set.
    public internal(set) var etcd: EtcdStateStore?
    /// The inventory being read ahead while the manifests load; the first
    /// ``readInventory()`` takes it when the file is still the one read.
    public var readAhead: InventoryReadAhead?

    /// Opens the state directory for a command that writes, creating it (0700) when it is
    /// missing. The mode of a directory tresor did not create is left as it is.
    public init(root: String) throws {
        self.root = root
        readOnly = false
        try AtomicFile.makeDirectory(root)
        try AtomicFile.makeDirectory(statusDirectory)
    }

    /// Opens the state directory for a command that only reads: nothing is created.
    public init(readingAt root: String) {
        self.root = root
        readOnly = true
    }

    /// True when the directory holds no state yet (no fingerprint key): a read-only command
    /// then works with throwaway keys.
    public var isFresh: Bool { etcd == nil && access(fingerprintKeyPath, F_OK) != 0 }

    /// A warning when others than the owner may write in the state directory; nil otherwise.
    public var permissionWarning: String? {
        var info = stat()
        guard stat(root, &info) == 0, info.st_mode & 0o022 != 0 else { return nil }
        return "warning: the state directory \(root) is writable by its group or others (mode "
            + String(info.st_mode & 0o777, radix: 8) + "); anyone who can write there can change what tresor records"
    }

    public var statusDirectory: String { root + "/status/Secret" }
    public var inventoryPath: String { root + "/inventory.yaml" }
    public var auditPath: String { root + "/audit.log" }
    public var fingerprintKeyPath: String { root + "/fingerprint.key" }
    public var localKeyPath: String { root + "/local.key" }
    public func localVaultDirectory(profile: String) -> String { root + "/vaults/" + profile }

    public func statusPath(_ name: String) -> String { statusDirectory + "/" + name + ".yaml" }

    static let fingerprintKeyPurpose = KeyFile.Purpose(
        owner: "state directory",
        loss: "every recorded fingerprint then differs, and each secret is compared by content once")

    public func fingerprinter() throws -> Fingerprinter {
        if let etcd { return Fingerprinter(key: try etcd.fingerprintKeyBytes()) }
        return Fingerprinter(
            key: try KeyGuard.key(
                at: fingerprintKeyPath, checkFile: root + "/fingerprint.check", purpose: Self.fingerprintKeyPurpose,
                protected: { KeyGuard.count(in: statusDirectory, suffix: ".yaml") }, what: "status files in \(statusDirectory)",
                readOnly: readOnly))
    }

    public func readStatus(_ name: String) throws -> SecretStatus? {
        if let problem = ObjectNames.problem(name) { throw AtomicFile.WriteError(description: problem) }
        guard let bytes = try statusBytes(name) else { return nil }
        return try decodeStatus(name, bytes)
    }

    func decodeStatus(_ name: String, _ bytes: [UInt8]) throws -> SecretStatus {
        do {
            let status = try StatusCoding.decode(SecretStatus.self, from: bytes)
            if let problem = Self.historyProblem(status) {
                throw AtomicFile.WriteError(
                    description: "status file \(statusLocation(name)) cannot be trusted (.versions: \(problem)); restore it from backup "
                        + "or move it aside to rebuild it from the vaults")
            }
            return status
        } catch let error as AtomicFile.WriteError {
            throw error
        } catch {
            throw AtomicFile.WriteError(
                description: "status file \(statusLocation(name)) cannot be read (\(error)); move it aside and run again to rebuild it")
        }
    }

    /// Why a status's version history cannot be tresor's: numbered 1, 2, 3, … in order and
    /// created in time order, as tresor appends them. Nil when it can.
    static func historyProblem(_ status: SecretStatus) -> String? {
        for (index, version) in status.versions.enumerated() {
            guard version.number == index + 1 else {
                return "version \(version.number) stands where version \(index + 1) belongs; the history was edited"
            }
            if index > 0, version.createdAt < status.versions[index - 1].createdAt {
                return "version \(version.number) is dated before version \(index); the history was edited"
            }
        }
        return nil
    }

    /// The file is whole (old or new) at any crash; statuses written at once are made
    /// durable together (``GroupCommit``), and the renames by ``syncStatuses()`` once per
    /// pass, not once per secret. A status lost that way costs nothing: versions are
    /// derived from what the vault is seen to hold, so the next pass records the same
    /// version again, once.
    public func writeStatus(_ status: SecretStatus) throws {
        if let etcd {
            return try etcd.write(etcd.statusKey(status.name), try StatusCoding.encodeBytes(status), what: "the status of Secret \(status.name)")
        }
        try Self.statusCommits.write(try StatusCoding.encodeBytes(status), to: statusPath(status.name))
    }

    /// ``writeStatus(_:)`` from a task: a file is written on the task's thread and the task
    /// waits, suspended, for its group's sync; an etcd transaction waits on a thread of
    /// ``BlockingIO`` (as ``AuditLog/appendWaiting(_:)`` does).
    public func writeStatusWaiting(_ status: SecretStatus) async throws {
        guard etcd == nil else { return try await BlockingIO.shared.run { try self.writeStatus(status) } }
        try await Self.statusCommits.write(try StatusCoding.encodeBytes(status), to: statusPath(status.name))
    }

    private static let statusCommits = GroupCommit()

    /// Throws, naming the directory and the fix, unless a status file can be written: a
    /// pass checks this before its first vault write, so a read-only status directory
    /// stops it before anything changes instead of after the vaults did.
    public func checkStatusWritable() throws {
        // In etcd every status write is a transaction that fails by itself.
        guard etcd == nil else { return }
        let probe = statusDirectory + "/.write-check.tmp-\(getpid())-0"
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw AtomicFile.WriteError(
                description: "the status directory \(statusDirectory) cannot be written (\(String(cString: strerror(errno)))); "
                    + "nothing was written to any vault: give the user running tresor write access to it, then run again")
        }
        close(descriptor)
        unlink(probe)
    }

    /// Makes the status writes of this pass durable.
    public func syncStatuses() {
        AtomicFile.syncDirectory(statusDirectory)
    }

    public func removeStatus(_ name: String) {
        if let etcd { return (try? etcd.remove(etcd.statusKey(name), what: "the status of Secret \(name)")) ?? () }
        unlink(statusPath(name))
    }

    /// Every status file, by secret name.
    public func allStatuses() throws -> [SecretStatus] {
        let read = readAllStatuses()
        if let damaged = read.damaged.first { throw AtomicFile.WriteError(description: damaged.problem) }
        return read.statuses
    }

    /// Every status file that reads, and each one that does not with its problem: one
    /// damaged file does not hide the others.
    public func readAllStatuses() -> (statuses: [SecretStatus], damaged: [(name: String, problem: String)]) {
        if let etcd { return readAllStatuses(from: etcd) }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: statusDirectory)) ?? []
        var statuses: [SecretStatus] = []
        var damaged: [(name: String, problem: String)] = []
        for file in names.sorted() where file.hasSuffix(".yaml") {
            let name = String(file.dropLast(5))
            do {
                if let status = try readStatus(name) { statuses.append(status) }
            } catch {
                damaged.append((name, "\(error)"))
            }
        }
        return (statuses, damaged)
    }

    public func readInventory() throws -> Inventory {
        if etcd == nil, let inventory = try readAhead?.inventory() { return inventory }
        guard let bytes = try inventoryBytes() else { return Inventory() }
        return try Self.decodeInventory(bytes, path: inventoryPath)
    }

    static func decodeInventory(_ bytes: [UInt8], path: String) throws -> Inventory {
        do {
            return try StatusCoding.decode(Inventory.self, from: bytes)
        } catch {
            throw AtomicFile.WriteError(description: "inventory \(path) cannot be read (\(error)); restore it from backup")
        }
    }

    public func writeInventory(_ inventory: Inventory) throws {
        if let etcd { return try etcd.write(etcd.inventoryKey, try StatusCoding.encodeBytes(inventory), what: "the inventory") }
        try AtomicFile.write(try StatusCoding.encodeBytes(inventory), to: inventoryPath)
    }

    public func auditLog() throws -> AuditLog {
        if let etcd { return AuditLog(etcd: etcd, rotation: auditRotation) }
        return try AuditLog(path: auditPath, rotation: auditRotation)
    }

    /// Holds an exclusive lock on the state directory, so two applies never interleave.
    public func lock() throws -> StateLock {
        let descriptor = open(root + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw AtomicFile.WriteError(description: "cannot lock \(root): \(String(cString: strerror(errno)))")
        }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            close(descriptor)
            throw AtomicFile.WriteError(
                description: "another tresor process is using \(root); wait for it to finish or use another --state-dir")
        }
        removeAbandonedTemporaryFiles()
        return StateLock(descriptor: descriptor)
    }
}

extension StateStore {
    /// Removes the temp files (`<file>.tmp-<pid>-<random>`) of writers that were killed
    /// before their rename: run with the state lock held, and only for writers whose
    /// process is gone (`tresor approve` writes without the state lock).
    func removeAbandonedTemporaryFiles() {
        for directory in [root, statusDirectory, root + "/approvals"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for name in names {
                guard let range = name.range(of: ".tmp-") else { continue }
                let rest = name[range.upperBound...].split(separator: "-")
                guard rest.count == 2, let pid = Int32(rest[0]), pid > 0, pid != getpid() else { continue }
                if kill(pid, 0) != 0, errno == ESRCH { unlink(directory + "/" + name) }
            }
        }
    }
}

/// Released when dropped (or when the process ends, however it ends).
public final class StateLock: Sendable {
    private let descriptor: Int32

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
