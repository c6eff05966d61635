import TresorCore

/// An ``OwnershipMark`` on a Secret Manager secret: the label `managed-by: tresor` (so a
/// list can filter on it) and ``MarkEntries`` as annotations under `tresor-`
/// (`tresor-secret`, `tresor-type`, `tresor-fingerprint`, …). Labels and annotations of
/// other tools are kept.
enum GCPMark {
    static let managedByKey = "managed-by"
    static let prefix = "tresor-"

    static func apply(_ mark: OwnershipMark, encoding: String?, to secret: inout GCPSecret) {
        var labels = secret.labels ?? [:]
        labels[managedByKey] = OwnershipMark.managedBy
        var annotations = (secret.annotations ?? [:]).filter { !$0.key.hasPrefix(prefix) }
        for (key, value) in MarkEntries.encode(mark, encoding: encoding) { annotations[prefix + key] = value }
        secret.labels = labels
        secret.annotations = annotations
    }

    static func decode(_ secret: GCPSecret, path: String, server: String) throws -> OwnershipMark? {
        guard secret.labels?[managedByKey] == OwnershipMark.managedBy else { return nil }
        return try MarkEntries.decode(secret.annotations ?? [:], under: prefix) { problem in
            VaultError(
                .corrupted,
                "\(server): \(path) is labelled managed-by=tresor but \(problem) among its annotations; let tresor rewrite it (adopt: true) or remove the label")
        }
    }

    static func encoding(_ secret: GCPSecret) -> String? { secret.annotations?[prefix + MarkEntries.encodingKey] }
}
