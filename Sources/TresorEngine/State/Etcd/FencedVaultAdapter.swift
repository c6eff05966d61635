import TresorCore

/// A vault adapter that writes only while this process leads: each write, delete and
/// mark checks the ``LeaderFence`` just before it goes out, so a leader whose keepalive
/// is late issues no new vault write. A write already sent when the lease lapses still
/// lands: vaults know nothing of etcd leases (the README's fencing section).
struct FencedVaultAdapter: VaultAdapter {
    let inner: any VaultAdapter
    let fence: LeaderFence
    let profile: String

    var capabilities: VaultCapabilities { inner.capabilities }

    func readMetadata(at path: String) async throws -> VaultEntryMetadata? { try await inner.readMetadata(at: path) }

    func read(at path: String, version: String?) async throws -> VaultEntry? { try await inner.read(at: path, version: version) }

    func write(at path: String, content: [String: SecretValue], mark: OwnershipMark, expected: ExpectedVersion) async throws
        -> VaultEntryMetadata
    {
        try checkFence("writing \(path) in vault profile '\(profile)'")
        return try await inner.write(at: path, content: content, mark: mark, expected: expected)
    }

    func delete(at path: String) async throws {
        try checkFence("deleting \(path) in vault profile '\(profile)'")
        try await inner.delete(at: path)
    }

    func listManaged() async throws -> [VaultEntryMetadata] { try await inner.listManaged() }

    func markOnly(at path: String, mark: OwnershipMark, version: String?) async throws -> VaultEntryMetadata? {
        try checkFence("marking \(path) in vault profile '\(profile)'")
        return try await inner.markOnly(at: path, mark: mark, version: version)
    }

    private func checkFence(_ what: String) throws {
        do {
            _ = try fence.check(before: what)
        } catch {
            // Transient: the queue retries it, and the next leader's pass does it.
            throw VaultError(.unavailable, "\(error)")
        }
    }
}
