import Foundation
import TresorCore

extension KubernetesAdapter {
    /// Creates the Secret (POST) or replaces it on the observed `resourceVersion` (PUT),
    /// with the mark as label and annotations; labels and annotations of other tools are kept.
    ///
    /// - Throws: ``VaultError/Kind/conflict`` when the Secret is not in the expected
    ///   state (the API server's 409): observe it again, never overwrite blindly.
    public func write(at path: String, content: [String: SecretValue], mark: OwnershipMark, expected: ExpectedVersion)
        async throws -> VaultEntryMetadata
    {
        let name = try secretName(path)
        let type = mark.type == .basicAuth ? KubernetesSecret.basicAuthType : KubernetesSecret.opaqueType
        let data = content.mapValues { Data($0.reveal().utf8).base64EncodedString() }
        switch expected {
        case .absent, .version(nil):
            var metadata = KubernetesObjectMeta(name: name, namespace: namespace)
            KubernetesMark.apply(mark, to: &metadata)
            return try await create(KubernetesSecret(metadata: metadata, type: type, data: data), path: path, mark: mark)
        case .version(let observed?):
            guard let existing = try await fetch(name), existing.metadata.resourceVersion == observed else {
                throw conflict(path, expected: observed)
            }
            var metadata = existing.metadata
            KubernetesMark.apply(mark, to: &metadata)
            metadata.creationTimestamp = nil
            let secret = KubernetesSecret(metadata: metadata, type: type, data: data)
            if (existing.type ?? KubernetesSecret.opaqueType) != type {
                // `type` is immutable: replace the Secret, if it is still the one observed.
                try await remove(name, precondition: observed, path: path)
                metadata.resourceVersion = nil
                return try await create(KubernetesSecret(metadata: metadata, type: type, data: data), path: path, mark: mark)
            }
            let response = try await call("PUT", name: name, body: try RESTEndpoint.json(secret))
            guard response.status == 200 || response.status == 201 else { throw conflict(path, expected: observed) }
            let written = try endpoint.decode(KubernetesSecret.self, response, what: "PUT secrets/\(name)")
            return VaultEntryMetadata(path: path, vaultVersion: written.metadata.resourceVersion, mark: mark, updatedAt: Date())
        }
    }

    private func create(_ secret: KubernetesSecret, path: String, mark: OwnershipMark) async throws -> VaultEntryMetadata {
        let response = try await call("POST", name: nil, body: try RESTEndpoint.json(secret))
        guard response.status == 200 || response.status == 201 else { throw conflict(path, expected: nil) }
        let written = try endpoint.decode(KubernetesSecret.self, response, what: "POST secrets")
        return VaultEntryMetadata(path: path, vaultVersion: written.metadata.resourceVersion, mark: mark, updatedAt: Date())
    }

    /// DELETE with `resourceVersion` as a precondition; absent counts as done.
    func remove(_ name: String, precondition: String?, path: String) async throws {
        let body = try precondition.map { try RESTEndpoint.json(KubernetesDeleteOptions(preconditions: .init(resourceVersion: $0))) }
        let response = try await call("DELETE", name: name, body: body)
        if response.status == 409 { throw conflict(path, expected: precondition) }
    }

    func conflict(_ path: String, expected: String?) -> VaultError {
        let expectation = expected.map { "resourceVersion \($0)" } ?? "no Secret"
        return VaultError(
            .conflict,
            "\(endpoint.server): \(path) changed since it was observed (expected \(expectation)); someone else wrote it: observe it again before writing")
    }
}
