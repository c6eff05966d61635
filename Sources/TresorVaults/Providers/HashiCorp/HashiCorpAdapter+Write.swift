import Foundation
import TresorCore

extension HashiCorpAdapter {
    /// Writes `content` (one key per field) as a new KV version, compare-and-set against
    /// `expected` (`cas: 0` for `.absent`, the observed version otherwise), then the mark
    /// into `custom_metadata`, keeping keys other tools set there. A secret whose current
    /// version is deleted or destroyed counts as absent and is written over.
    ///
    /// - Throws: ``VaultError/Kind/conflict`` when the secret is not in the expected
    ///   state: someone else wrote; observe it again, never overwrite blindly.
    ///
    /// If the content is written but the mark write fails, the error says so; the secret
    /// then carries its previous mark (or none) until the next write.
    public func write(at path: String, content: [String: SecretValue], mark: OwnershipMark, expected: ExpectedVersion)
        async throws -> VaultEntryMetadata
    {
        if try await kvVersion() == .v1 { return try await writeV1(at: path, content: content, expected: expected) }
        let cas: Int
        switch expected {
        case .absent, .version(nil):
            cas = 0
        case .version(let version?):
            guard let number = Int(version), number > 0 else {
                throw VaultError(
                    .invalidRequest, "\(transport.server): '\(version)' is not a KV version of \(path); versions are 1, 2, 3, …")
            }
            cas = number
        }
        let apiPath = try v2Path("data", path)
        let data = content.mapValues { $0.reveal() }
        var response = try await call("POST", apiPath, body: HashiCorpRequestBody.write(data: data, cas: cas))
        if cas == 0, transport.isCASMismatch(response), let body = try await metadataBody(at: path),
            Self.isGone(deletionTime: body.versions?[String(body.currentVersion)]?.deletionTime,
                destroyed: body.versions?[String(body.currentVersion)]?.destroyed)
        {
            response = try await call(
                "POST", apiPath,
                body: HashiCorpRequestBody.write(data: data, cas: body.currentVersion))
        }
        if transport.isCASMismatch(response) {
            throw try await conflict(at: path, expected: cas)
        }
        guard response.status == 200 else { throw transport.failure(response, method: "POST", apiPath: apiPath) }
        let written = try transport.decode(HashiCorpWriteResponse.self, from: response, apiPath: apiPath).data

        let existing = written.customMetadata ?? [:]
        let custom = HashiCorpMark.encode(mark, keeping: existing)
        if custom != existing {
            let metadataPath = try v2Path("metadata", path)
            let body = HashiCorpRequestBody.metadata(custom: custom)
            var failure: VaultError?
            // The content is written: a passing failure gets one more try, so that it does
            // not leave the content without its mark.
            for _ in 1...2 {
                do {
                    let marked = try await call("POST", metadataPath, body: body)
                    if marked.status == 200 || marked.status == 204 {
                        failure = nil
                        break
                    }
                    failure = transport.failure(marked, method: "POST", apiPath: metadataPath)
                } catch let error as VaultError {
                    failure = error
                }
                guard failure?.isTransient == true else { break }
            }
            if let failure {
                throw VaultError(
                    failure.kind,
                    "\(path): the content was written as version \(written.version) but its ownership mark was not: \(failure.message)")
            }
        }
        return VaultEntryMetadata(
            path: path, vaultVersion: String(written.version), mark: mark, updatedAt: HashiCorpTime.parse(written.createdTime))
    }

    /// Writes the mark into `custom_metadata` of a KV v2 secret whose current version is
    /// `version`, keeping other keys: finishes a create that wrote the content but not the
    /// mark, without a second version of the same content.
    public func markOnly(at path: String, mark: OwnershipMark, version: String?) async throws -> VaultEntryMetadata? {
        guard try await kvVersion() == .v2, let body = try await metadataBody(at: path) else { return nil }
        guard version == nil || String(body.currentVersion) == version else {
            throw VaultError(.conflict, "'\(path)' changed since it was read (version \(body.currentVersion)); the next pass observes it again")
        }
        let existing = body.customMetadata ?? [:]
        let metadataPath = try v2Path("metadata", path)
        let marked = try await call("POST", metadataPath, body: HashiCorpRequestBody.metadata(custom: HashiCorpMark.encode(mark, keeping: existing)))
        guard marked.status == 200 || marked.status == 204 else { throw transport.failure(marked, method: "POST", apiPath: metadataPath) }
        return VaultEntryMetadata(
            path: path, vaultVersion: String(body.currentVersion), mark: mark, updatedAt: HashiCorpTime.parse(body.updatedTime))
    }

    /// KV v1: no versions, no marks, no compare-and-set. A create checks for absence
    /// first (not atomic); an update overwrites.
    private func writeV1(at path: String, content: [String: SecretValue], expected: ExpectedVersion) async throws
        -> VaultEntryMetadata
    {
        if expected == .absent, try await readV1(at: path) != nil {
            throw VaultError(
                .conflict,
                "\(transport.server): \(path) exists on KV v1 mount '\(mount)' but was expected absent; observe it again before writing")
        }
        let apiPath = try v1Path(path)
        let response = try await call("POST", apiPath, body: HashiCorpRequestBody.writeV1(data: content.mapValues { $0.reveal() }))
        guard response.status == 200 || response.status == 204 else {
            throw transport.failure(response, method: "POST", apiPath: apiPath)
        }
        return VaultEntryMetadata(path: path, vaultVersion: nil, mark: nil, updatedAt: Date())
    }

    /// The conflict error, naming what is there now.
    private func conflict(at path: String, expected cas: Int) async throws -> VaultError {
        let found: String
        if let body = try? await metadataBody(at: path) {
            let current = body.versions?[String(body.currentVersion)]
            let gone = Self.isGone(deletionTime: current?.deletionTime, destroyed: current?.destroyed)
            found = "version \(body.currentVersion)\(gone ? " (deleted)" : "")"
        } else {
            found = "nothing"
        }
        let expectation = cas == 0 ? "it absent" : "version \(cas)"
        return VaultError(
            .conflict,
            "\(transport.server): \(path) changed since it was observed (expected \(expectation), found \(found)); someone else wrote it: observe it again before writing")
    }
}
