import TresorCore

/// An ``OwnershipMark`` as Key Vault tags: `managed-by: tresor` and ``MarkEntries``
/// under `tresor-` (`tresor-secret`, `tresor-type`, `tresor-fingerprint`, …).
///
/// Key Vault allows at most 15 tags per secret, names up to 512 and values up to 256
/// characters. tresor uses 4 to 6 plus one per generated field; tags of other tools are
/// carried over to each new version, and a write that would pass 15 is refused with an
/// error that says so.
enum AzureMark {
    static let managedByKey = "managed-by"
    static let prefix = "tresor-"
    static let maxTags = 15
    static let maxValueLength = 256

    /// The tags of a new version: those of `existing` that are not tresor's, then the mark.
    static func tags(_ mark: OwnershipMark, encoding: String?, existing: [String: String]?, path: String, server: String) throws
        -> [String: String]
    {
        var tags = (existing ?? [:]).filter { $0.key != managedByKey && !$0.key.hasPrefix(prefix) }
        tags[managedByKey] = OwnershipMark.managedBy
        for (key, value) in MarkEntries.encode(mark, encoding: encoding) {
            guard value.count <= maxValueLength else {
                throw VaultError(.invalidRequest, "\(server): \(path): the ownership tag \(prefix + key) would exceed Key Vault's 256 characters")
            }
            tags[prefix + key] = value
        }
        guard tags.count <= maxTags else {
            throw VaultError(
                .invalidRequest,
                "\(server): \(path) would carry \(tags.count) tags, more than Key Vault's \(maxTags) (tresor's mark takes \(tags.count - (existing ?? [:]).filter { $0.key != managedByKey && !$0.key.hasPrefix(prefix) }.count), one per generated field); remove other tags from the secret or generate fewer fields")
        }
        return tags
    }

    /// Nil unless `managed-by` is `tresor`; throws when it is but the other tags make no mark.
    static func decode(_ tags: [String: String]?, path: String, server: String) throws -> OwnershipMark? {
        guard let tags, tags[managedByKey] == OwnershipMark.managedBy else { return nil }
        return try MarkEntries.decode(tags, under: prefix) { problem in
            VaultError(
                .corrupted,
                "\(server): \(path) is tagged managed-by=tresor but \(problem); let tresor rewrite it (adopt: true) or remove the managed-by tag")
        }
    }

    static func encoding(_ tags: [String: String]?) -> String? { tags?[prefix + MarkEntries.encodingKey] }
}
