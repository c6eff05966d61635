import Foundation
import TresorCore

/// An ``OwnershipMark`` as KV v2 `custom_metadata` keys, and back.
enum HashiCorpMark {
    static let managedByKey = "managed-by"
    /// Before each of ``MarkEntries``' keys; a generated field's name follows `tresor-gen-` as it is.
    static let prefix = "tresor-"

    /// The mark's keys; merged over `keeping`'s keys that are not tresor's.
    static func encode(_ mark: OwnershipMark, keeping existing: [String: String] = [:]) -> [String: String] {
        var result = existing.filter { !isTresorKey($0.key) }
        result[managedByKey] = OwnershipMark.managedBy
        for (key, value) in MarkEntries.encode(mark, encoding: nil, generatorNames: .plain) { result[prefix + key] = value }
        return result
    }

    /// Keys tresor owns (and rewrites on every write).
    static func isTresorKey(_ key: String) -> Bool {
        key == managedByKey || key.hasPrefix(prefix)
    }

    /// Nil unless `managed-by` is `tresor`; throws when it is but the other keys do not
    /// make a mark.
    static func decode(_ metadata: [String: String]?, path: String, server: String) throws -> OwnershipMark? {
        guard let metadata, metadata[managedByKey] == OwnershipMark.managedBy else { return nil }
        return try MarkEntries.decode(metadata, under: prefix, generatorNames: .plain) { problem in
            VaultError(
                .corrupted,
                "\(server): \(path) has custom_metadata managed-by=tresor but \(problem); let tresor rewrite it (adopt: true) or remove managed-by")
        }
    }
}
