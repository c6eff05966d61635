import Foundation
import TresorCore

extension GCPAdapter {
    /// The newest version's number and the secret's mark; nil when there is no secret or
    /// it has no version yet.
    public func readMetadata(at path: String) async throws -> VaultEntryMetadata? {
        guard let found = try await describe(try secretId(path)), let latest = found.latest else { return nil }
        return try metadata(path: path, found.secret, version: latest)
    }

    /// The payload of the newest version, or of version number `version`, as content
    /// fields of the marked type. Nil when the secret or version is absent.
    public func read(at path: String, version: String?) async throws -> VaultEntry? {
        let id = try secretId(path)
        guard let found = try await describe(id), let latest = found.latest else { return nil }
        let number = version ?? latest.number ?? "latest"
        guard let access = try await get(GCPAccessResponse.self, "secrets/\(id)/versions/\(number):access") else { return nil }
        guard let data = Data(base64Encoded: access.payload?.data ?? ""), let text = String(data: data, encoding: .utf8) else {
            throw VaultError(.corrupted, "\(api.server): \(path): version \(number) holds no UTF-8 text payload")
        }
        var entry = try metadata(path: path, found.secret, version: latest)
        entry.vaultVersion = number
        let content = try SingleValueLayout.decode(
            string: text, binary: nil, type: entry.mark?.type, encoding: GCPMark.encoding(found.secret), path: path, server: api.server)
        return VaultEntry(metadata: entry, content: content)
    }
}
