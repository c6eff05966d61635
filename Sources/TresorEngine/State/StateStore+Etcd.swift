import Foundation
import TresorCore

extension StateStore {
    /// Opens a store whose statuses, inventory, approvals, rules in force, audit chain and
    /// keys live in etcd; `root` (created 0700) keeps only what stays on this machine (the
    /// files of a `local` vault named by path are the user's).
    public init(root: String, etcd: EtcdStateStore) throws {
        self.root = root
        self.etcd = etcd
        readOnly = false
        try AtomicFile.makeDirectory(root)
    }

    /// Where a status is kept, for messages.
    func statusLocation(_ name: String) -> String {
        etcd.map { "\($0.statusKey(name)) in etcd" } ?? statusPath(name)
    }

    /// Where the state lives, for messages: the directory or the etcd prefix.
    public var location: String { etcd?.location ?? root }

    func statusBytes(_ name: String) throws -> [UInt8]? {
        guard let etcd else { return try AtomicFile.read(statusPath(name)) }
        return try etcd.read(etcd.statusKey(name))
    }

    func inventoryBytes() throws -> [UInt8]? {
        guard let etcd else { return try AtomicFile.read(inventoryPath) }
        return try etcd.read(etcd.inventoryKey)
    }

    /// Which of `names` have a status (were synced at least once). In etcd, a few names
    /// are asked one by one and many by one keys-only range read; names whose status
    /// cannot be asked about count as never synced.
    public func namesWithStatus(_ names: [String]) -> Set<String> {
        guard let etcd else { return Set(names.filter { FileManager.default.fileExists(atPath: statusPath($0)) }) }
        if names.count <= 32 {
            return Set(names.filter { (try? etcd.client.get(etcd.statusKey($0))) != nil })
        }
        let keys = Set(((try? etcd.keys(under: etcd.statusPrefix)) ?? []).map { String($0.dropFirst(etcd.statusPrefix.count)) })
        return Set(names.filter(keys.contains))
    }

    /// Every status under the prefix in one range read.
    func readAllStatuses(from etcd: EtcdStateStore) -> (statuses: [SecretStatus], damaged: [(name: String, problem: String)]) {
        let entries: [(key: String, value: [UInt8])]
        do {
            entries = try etcd.readAll(under: etcd.statusPrefix)
        } catch {
            return ([], [("*", "cannot read the statuses in \(etcd.location): \(error)")])
        }
        var statuses: [SecretStatus] = []
        var damaged: [(name: String, problem: String)] = []
        for entry in entries {
            let name = String(entry.key.dropFirst(etcd.statusPrefix.count))
            do {
                statuses.append(try decodeStatus(name, entry.value))
            } catch {
                damaged.append((name, "\(error)"))
            }
        }
        return (statuses, damaged)
    }
}

extension StateStore {
    /// Why a `local` vault profile cannot be used with this store, nil when it can: with
    /// the state in etcd, a replica on another machine would not find files kept under
    /// this machine's state directory, so the profile must name its `path` (shared
    /// storage, the user's choice).
    func localProviderRefusal(profile: String, provider: Provider) -> String? {
        guard let etcd, case .local(let local) = provider, local.path == nil else { return nil }
        return "vault profile '\(profile)': the local provider keeps its files on this machine, and the state is in \(etcd.location); "
            + "set spec.provider.local.path (and keyFile) to storage every replica shares, or use a directory store (--state-dir)"
    }

    /// The adapter, fenced by the leader's lease when this store has one.
    func fenced(_ adapter: any VaultAdapter, profile: String) -> any VaultAdapter {
        guard let fence = etcd?.fence else { return adapter }
        return FencedVaultAdapter(inner: adapter, fence: fence, profile: profile)
    }
}

extension StateStore {
    /// Opens the etcd store for a command that only reads: nothing is created.
    public init(readingAt root: String, etcd: EtcdStateStore) {
        self.root = root
        self.etcd = etcd
        readOnly = true
    }
}
