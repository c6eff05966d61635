import Foundation
import TresorCore

extension AWSAdapter {
    /// Writes `content` as a new version with the mark as tags, if the secret is in the
    /// `expected` state (see the type's documentation for how far that holds). A secret
    /// scheduled for deletion counts as absent: it is restored, then written.
    ///
    /// - Throws: ``VaultError/Kind/conflict`` when the secret is not in the expected
    ///   state: someone else wrote; observe it again, never overwrite blindly.
    public func write(at path: String, content: [String: SecretValue], mark: OwnershipMark, expected: ExpectedVersion)
        async throws -> VaultEntryMetadata
    {
        let name = try secretName(path)
        let (value, encoding) = try SingleValueLayout.stored(mark.type, content, path: path, server: transport.server)
        let tags = try AWSMark.tags(mark, encoding: encoding, path: path, server: transport.server)
        let write = PendingWrite(path: path, name: name, value: value, tags: tags, mark: mark)

        switch expected {
        case .absent, .version(nil):
            let token = Self.requestToken(name: name, fingerprint: mark.fingerprint, replacing: nil)
            do {
                let response = try await transport.call(
                    "CreateSecret", AWSCreateSecretRequest(name: name, clientRequestToken: token, secretString: value, tags: tags),
                    secret: name)
                let created = try transport.decode(AWSWriteResponse.self, from: response, action: "CreateSecret")
                return VaultEntryMetadata(path: path, vaultVersion: created.versionId ?? token, mark: mark, updatedAt: Date())
            } catch let error as VaultError where error.kind == .conflict || error.message.contains("is scheduled for deletion") {
                // The name is taken, or (on AWS) scheduled for deletion: find out which.
                guard let description = try await describe(name) else { throw error }
                if description.isScheduledForDeletion {
                    _ = try await transport.call("RestoreSecret", AWSSecretIdRequest(secretId: name), secret: name)
                    return try await update(write, description: description, replacing: description.currentVersion)
                }
                if description.currentVersion == token {
                    // Our own create, whose answer was lost: it is done; make sure of the tags.
                    return try await update(write, description: description, replacing: nil)
                }
                if expected == .version(nil), description.currentVersion == nil {
                    return try await update(write, description: description, replacing: nil)
                }
                throw conflict(path, expected: nil, found: description)
            }
        case .version(let observed?):
            guard let description = try await describe(name), !description.isScheduledForDeletion else {
                throw conflict(path, expected: observed, found: nil)
            }
            return try await update(write, description: description, replacing: observed)
        }
    }

    struct PendingWrite {
        let path: String
        let name: String
        let value: String
        let tags: [AWSTag]
        let mark: OwnershipMark
    }

    /// `PutSecretValue` over version `previous` (unless the version this write makes is
    /// already current), then the tag changes.
    private func update(_ write: PendingWrite, description: AWSSecretDescription, replacing previous: String?) async throws
        -> VaultEntryMetadata
    {
        let token = Self.requestToken(name: write.name, fingerprint: write.mark.fingerprint, replacing: previous)
        var version = token
        if description.currentVersion != token {
            guard description.currentVersion == previous else {
                throw conflict(write.path, expected: previous, found: description)
            }
            let response = try await transport.call(
                "PutSecretValue",
                AWSPutSecretValueRequest(secretId: write.name, clientRequestToken: token, secretString: write.value),
                secret: write.name)
            version = try transport.decode(AWSWriteResponse.self, from: response, action: "PutSecretValue").versionId ?? token
        }
        try await retag(write, existing: description.tags ?? [], version: version)
        return VaultEntryMetadata(path: write.path, vaultVersion: version, mark: write.mark, updatedAt: Date())
    }

    /// Sets the mark's tags that differ and removes tresor tags it no longer has; a
    /// passing failure gets one more try, so the content is not left without its mark.
    private func retag(_ write: PendingWrite, existing: [AWSTag], version: String) async throws {
        let changes = AWSMark.changes(from: existing, to: write.tags)
        var failure: VaultError?
        for _ in 1...2 {
            do {
                if !changes.set.isEmpty {
                    _ = try await transport.call(
                        "TagResource", AWSTagResourceRequest(secretId: write.name, tags: changes.set), secret: write.name)
                }
                if !changes.remove.isEmpty {
                    _ = try await transport.call(
                        "UntagResource", AWSUntagResourceRequest(secretId: write.name, tagKeys: changes.remove), secret: write.name)
                }
                return
            } catch let error as VaultError {
                failure = error
                guard error.isTransient else { break }
            }
        }
        if let failure {
            throw VaultError(
                failure.kind,
                "\(write.path): the content was written as version \(version) but its ownership tags were not: \(failure.message)")
        }
    }

    /// The conflict error, naming what is there now.
    private func conflict(_ path: String, expected: String?, found: AWSSecretDescription?) -> VaultError {
        let expectation = expected.map { "version \($0)" } ?? "it absent"
        let what: String
        if let found {
            what = found.isScheduledForDeletion ? "it scheduled for deletion" : "version \(found.currentVersion ?? "(none)")"
        } else {
            what = "nothing"
        }
        return VaultError(
            .conflict,
            "\(transport.server): \(path) changed since it was observed (expected \(expectation), found \(what)); someone else wrote it: observe it again before writing")
    }
}
