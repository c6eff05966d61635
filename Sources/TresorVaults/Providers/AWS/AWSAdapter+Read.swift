import Foundation
import TresorCore

extension AWSAdapter {
    /// The current `VersionId`, the mark from the tags and the last change, from one
    /// `DescribeSecret`; no value is read. Nil when there is no such secret or it is
    /// scheduled for deletion.
    public func readMetadata(at path: String) async throws -> VaultEntryMetadata? {
        let name = try secretName(path)
        guard let description = try await describe(name), !description.isScheduledForDeletion else { return nil }
        return try metadata(path: path, description)
    }

    /// The value of the current version, or of the version with `VersionId` `version`,
    /// laid out as content fields by the marked type (``SingleValueLayout``). The mark is the
    /// secret's current tags. Nil when the secret or that version is absent, or the
    /// secret is scheduled for deletion.
    public func read(at path: String, version: String?) async throws -> VaultEntry? {
        let name = try secretName(path)
        guard let description = try await describe(name), !description.isScheduledForDeletion else { return nil }
        var entry = try metadata(path: path, description)
        let value: AWSGetSecretValueResponse
        do {
            let response = try await transport.call(
                "GetSecretValue", AWSGetSecretValueRequest(secretId: name, versionId: version), secret: name)
            value = try transport.decode(AWSGetSecretValueResponse.self, from: response, action: "GetSecretValue")
        } catch let error as VaultError where error.kind == .notFound {
            return nil
        }
        if let versionId = value.versionId { entry.vaultVersion = versionId }
        if let created = value.createdDate { entry.updatedAt = Date(timeIntervalSince1970: created) }
        let content = try SingleValueLayout.decode(
            string: value.secretString, binary: value.secretBinary, type: entry.mark?.type,
            encoding: AWSMark.encoding(description.tags), path: path, server: transport.server)
        return VaultEntry(metadata: entry, content: content)
    }
}
