import TresorCore

extension AzureAdapter {
    /// The current version id and its tags' mark, from one GET (Key Vault has no
    /// value-free read of a single secret). Nil when absent or soft-deleted.
    public func readMetadata(at path: String) async throws -> VaultEntryMetadata? {
        guard let bundle = try await current(try secretName(path)) else { return nil }
        return try metadata(path: path, bundle)
    }

    /// The value of the current version, or of version `version`, as content fields of the
    /// marked type; the mark is that version's tags. Nil when the secret or version is absent.
    public func read(at path: String, version: String?) async throws -> VaultEntry? {
        guard let bundle = try await current(try secretName(path), version: version) else { return nil }
        let entry = try metadata(path: path, bundle)
        let content = try SingleValueLayout.decode(
            string: bundle.value ?? "", binary: nil, type: entry.mark?.type, encoding: AzureMark.encoding(bundle.tags), path: path,
            server: vault.server)
        return VaultEntry(metadata: entry, content: content)
    }
}
