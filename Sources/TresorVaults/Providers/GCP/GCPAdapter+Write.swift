import Foundation
import TresorCore

extension GCPAdapter {
    /// Adds `content` as a new version and sets the mark, if the secret is in the
    /// `expected` state (checked just before, see the type's documentation).
    ///
    /// - Throws: ``VaultError/Kind/conflict`` when the secret is not in the expected state.
    public func write(at path: String, content: [String: SecretValue], mark: OwnershipMark, expected: ExpectedVersion)
        async throws -> VaultEntryMetadata
    {
        let id = try secretId(path)
        let (text, encoding) = try SingleValueLayout.stored(mark.type, content, path: path, server: api.server)
        let value = Array(text.utf8)
        var secret: GCPSecret
        switch expected {
        case .absent, .version(nil):
            var wanted = GCPSecret(replication: .init(automatic: .init()))
            GCPMark.apply(mark, encoding: encoding, to: &wanted)
            let created = try await call("POST", "secrets", query: "secretId=\(id)", body: try RESTEndpoint.json(wanted))
            if created.status == 409 {
                // Taken: usable only if it holds no version yet (a create whose first
                // version never arrived) and is tresor's or was seen without a version.
                guard let found = try await describe(id), found.latest == nil,
                    expected == .version(nil) || (try? GCPMark.decode(found.secret, path: path, server: api.server)) != nil
                else { throw conflict(path, expected: nil) }
                secret = found.secret
            } else {
                secret = try api.decode(GCPSecret.self, created, what: "POST secrets")
            }
        case .version(let observed?):
            guard let found = try await describe(id), let latest = found.latest, latest.number == observed else {
                throw conflict(path, expected: observed)
            }
            secret = found.secret
        }
        let body = try RESTEndpoint.json(
            GCPAddVersion(payload: .init(data: Data(value).base64EncodedString(), dataCrc32c: String(CRC32C.checksum(value)))))
        let added = try await call("POST", "secrets/\(id):addVersion", body: body)
        guard (200...299).contains(added.status) else { throw failure(added, what: "POST secrets/\(id):addVersion") }
        let version = try api.decode(GCPSecretVersion.self, added, what: "POST secrets/\(id):addVersion")
        try await remark(id, secret, mark: mark, encoding: encoding, path: path)
        return VaultEntryMetadata(path: path, vaultVersion: version.number, mark: mark, updatedAt: Date())
    }

    /// Patches label and annotations when they differ from the mark, on the secret's etag.
    private func remark(_ id: String, _ secret: GCPSecret, mark: OwnershipMark, encoding: String?, path: String) async throws {
        var wanted = secret
        GCPMark.apply(mark, encoding: encoding, to: &wanted)
        guard wanted.labels != secret.labels || wanted.annotations != secret.annotations else { return }
        let patch = GCPSecret(labels: wanted.labels, annotations: wanted.annotations, etag: secret.etag)
        let response = try await call("PATCH", "secrets/\(id)", query: "updateMask=labels,annotations", body: try RESTEndpoint.json(patch))
        guard (200...299).contains(response.status) else {
            throw VaultError(
                response.status == 409 ? .conflict : .invalidRequest,
                "\(api.server): \(path): the content was written as a new version but its ownership annotations were not (\(GCPErrorBody.summary(response.body) ?? "HTTP \(response.status)")); the next pass sets them")
        }
    }

    private func conflict(_ path: String, expected: String?) -> VaultError {
        VaultError(
            .conflict,
            "\(api.server): \(path) changed since it was observed (expected \(expected.map { "version \($0)" } ?? "it absent")); someone else wrote it: observe it again before writing")
    }
}
