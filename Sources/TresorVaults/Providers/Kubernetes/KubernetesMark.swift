import TresorCore

/// An ``OwnershipMark`` as a Secret's label and annotations: `app.kubernetes.io/managed-by:
/// tresor`, so that a label selector finds tresor's Secrets, and ``MarkEntries`` as
/// annotations under `tresor.dev/` (annotations have no length limit worth the name;
/// label values stop at 63 characters, which fingerprints exceed).
enum KubernetesMark {
    /// Sets the mark on `metadata`, replacing tresor's previous annotations and keeping everyone else's.
    static func apply(_ mark: OwnershipMark, to metadata: inout KubernetesObjectMeta) {
        var labels = metadata.labels ?? [:]
        labels[KubernetesAdapter.managedByLabel] = OwnershipMark.managedBy
        var annotations = (metadata.annotations ?? [:]).filter { !$0.key.hasPrefix(KubernetesAdapter.annotationPrefix) }
        for (key, value) in MarkEntries.encode(mark, encoding: nil) {
            annotations[KubernetesAdapter.annotationPrefix + key] = value
        }
        metadata.labels = labels
        metadata.annotations = annotations
    }

    /// Nil unless the managed-by label says tresor; throws when it does but the annotations make no mark.
    static func decode(_ metadata: KubernetesObjectMeta, path: String, server: String) throws -> OwnershipMark? {
        guard metadata.labels?[KubernetesAdapter.managedByLabel] == OwnershipMark.managedBy else { return nil }
        return try MarkEntries.decode(metadata.annotations ?? [:], under: KubernetesAdapter.annotationPrefix) { problem in
            VaultError(
                .corrupted,
                "\(server): \(path) is labelled \(KubernetesAdapter.managedByLabel)=tresor but \(problem) among its annotations; let tresor rewrite it (adopt: true) or remove the label")
        }
    }
}
