import Foundation
import TresorCore

extension AzureAdapter {
    /// Writes `content` as a new version carrying the mark, if the secret is in the
    /// `expected` state (checked just before, see the type's documentation). A
    /// soft-deleted secret counts as absent: it is recovered, then written.
    ///
    /// - Throws: ``VaultError/Kind/conflict`` when the secret is not in the expected state.
    public func write(at path: String, content: [String: SecretValue], mark: OwnershipMark, expected: ExpectedVersion)
        async throws -> VaultEntryMetadata
    {
        let name = try secretName(path)
        let (value, encoding) = try SingleValueLayout.stored(mark.type, content, path: path, server: vault.server)
        let existing = try await current(name)
        switch expected {
        case .absent, .version(nil):
            if let existing { throw conflict(path, expected: nil, found: existing.version) }
        case .version(let observed?):
            guard let existing, existing.version == observed else { throw conflict(path, expected: observed, found: existing?.version) }
        }
        let tags = try AzureMark.tags(mark, encoding: encoding, existing: existing?.tags, path: path, server: vault.server)
        let body = try RESTEndpoint.json(AzureSetSecret(value: value, tags: tags))
        var response = try await call("PUT", "secrets/\(name)", body: body)
        if response.status == 409 {
            // The name is held by a soft-deleted secret: recover it, then write (recovery
            // finishes in the background, so the PUT may conflict a little longer).
            let recovered = try await call("POST", "deletedsecrets/\(name)/recover")
            guard recovered.status == 200 || recovered.status == 409 else { throw failure(recovered, what: "POST deletedsecrets/\(name)/recover") }
            var waits = recoveryWaits.makeIterator()
            repeat {
                response = try await call("PUT", "secrets/\(name)", body: body)
                guard response.status == 409, let wait = waits.next() else { break }
                try await Task.sleep(for: wait)
            } while true
        }
        guard (200...299).contains(response.status) else { throw failure(response, what: "PUT secrets/\(name)") }
        let written = try vault.decode(AzureSecretBundle.self, response, what: "PUT secrets/\(name)")
        return VaultEntryMetadata(path: path, vaultVersion: written.version, mark: mark, updatedAt: Date())
    }

    private func conflict(_ path: String, expected: String?, found: String?) -> VaultError {
        VaultError(
            .conflict,
            "\(vault.server): \(path) changed since it was observed (expected \(expected.map { "version \($0)" } ?? "it absent"), found \(found.map { "version \($0)" } ?? "nothing")); someone else wrote it: observe it again before writing")
    }
}
