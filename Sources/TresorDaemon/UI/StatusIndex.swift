import Foundation
import Synchronization
import TresorCore
import TresorEngine

#if canImport(Glibc)
    import Glibc
#endif

/// Every secret's status for the web page, kept decoded between page loads. Status files
/// are only ever replaced by a rename, which changes the directory's modification time:
/// a load whose directory is unchanged costs one `stat`. Otherwise it lists the directory
/// and stats each file, and decodes again only the files whose inode, size or modification
/// time changed, so a page shows what the files hold now without decoding 10,000 YAML
/// files per request.
final class StatusIndex: Sendable {
    struct Snapshot: Sendable {
        /// Sorted by name.
        var statuses: [SecretStatus]
        var damaged: [(name: String, problem: String)]
        /// Every vault profile any secret has a target in, sorted.
        var profiles: [String]
    }

    private struct Entry {
        var stamp: FileStamp
        var result: Result<SecretStatus?, StatusReadError>
    }

    private struct StatusReadError: Error {
        var description: String
    }

    private struct Cache {
        var entries: [String: Entry] = [:]
        var snapshot: Snapshot?
        /// The directory's stamp when `snapshot` was taken.
        var directory: FileStamp?
        /// Where each secret stands in `snapshot.statuses`.
        var positions: [String: Int] = [:]
    }

    let store: StateStore
    private let cache = Mutex(Cache())

    init(store: StateStore) {
        self.store = store
    }

    /// Each `<name>.yaml` of the directory with its stamp: readdir and fstatat, which take a
    /// fraction of FileManager's listing and a path `stat` per file.
    private static func stamps(in directory: String) -> [String: FileStamp] {
        guard let stream = opendir(directory) else { return [:] }
        defer { closedir(stream) }
        let descriptor = dirfd(stream)
        var stamps: [String: FileStamp] = [:]
        while let entry = readdir(stream) {
            var info = stat()
            let name: String? = DirectoryEntry.withName(entry) { cName in
                guard fstatat(descriptor, cName, &info, 0) == 0 else { return nil }
                return String(cString: cName)
            }
            guard let name, name.hasSuffix(".yaml"), !name.hasPrefix(".") else { continue }
            stamps[String(name.dropLast(5))] = FileStamp(info)
        }
        return stamps
    }

    func snapshot() -> Snapshot {
        // Taken before listing: a rename during the scan makes the next load scan again.
        let directory = FileStamp(path: store.statusDirectory)
        if let directory, let cached = cache.withLock({ $0.directory == directory ? $0.snapshot : nil }) { return cached }
        let stamps = Self.stamps(in: store.statusDirectory)
        let (known, previous) = cache.withLock { ($0.entries, $0.snapshot) }
        let changed = stamps.filter { known[$0.key]?.stamp != $0.value }.map { (name: $0.key, stamp: $0.value) }
        if changed.isEmpty, known.count == stamps.count, let previous {
            cache.withLock { $0.directory = directory }
            return previous
        }

        let store = self.store
        let decoded = changed.map(\.name).concurrentMap(chunk: 64) { name in
            Result { try store.readStatus(name) }.mapError { StatusReadError(description: "\($0)") }
        }
        var entries = known.filter { stamps[$0.key] != nil }
        for (file, result) in zip(changed, decoded) { entries[file.name] = Entry(stamp: file.stamp, result: result) }
        if let updated = replaced(changed: zip(changed.map(\.name), decoded), in: previous, sameNames: entries.count == known.count) {
            cache.withLock {
                $0.entries = entries
                $0.snapshot = updated
                $0.directory = directory
            }
            return updated
        }
        var statuses: [SecretStatus] = []
        var damaged: [(name: String, problem: String)] = []
        for (name, entry) in entries.sorted(by: { $0.key < $1.key }) {
            switch entry.result {
            case .success(let status?): statuses.append(status)
            case .success(nil): break
            case .failure(let error): damaged.append((name, error.description))
            }
        }
        let snapshot = Snapshot(statuses: statuses, damaged: damaged, profiles: Set(statuses.flatMap { $0.targets.keys }).sorted())
        let positions = Dictionary(uniqueKeysWithValues: statuses.enumerated().map { ($0.element.name, $0.offset) })
        cache.withLock {
            $0.entries = entries
            $0.snapshot = snapshot
            $0.directory = directory
            $0.positions = positions
        }
        return snapshot
    }

    /// The previous snapshot with the changed statuses swapped in place, when no file came,
    /// went or became (un)readable: a pass that rewrites a few statuses then costs no sort of
    /// 10,000 names. Nil when the snapshot must be rebuilt.
    private func replaced(
        changed: some Sequence<(String, Result<SecretStatus?, StatusReadError>)>, in previous: Snapshot?, sameNames: Bool
    ) -> Snapshot? {
        guard sameNames, var snapshot = previous else { return nil }
        let positions = cache.withLock { $0.positions }
        var profiles = Set(snapshot.profiles)
        for (name, result) in changed {
            guard case .success(let status?) = result, let position = positions[name], snapshot.statuses.indices.contains(position),
                snapshot.statuses[position].name == name
            else { return nil }
            snapshot.statuses[position] = status
            profiles.formUnion(status.targets.keys)
        }
        snapshot.profiles = profiles.sorted()
        return snapshot
    }
}
