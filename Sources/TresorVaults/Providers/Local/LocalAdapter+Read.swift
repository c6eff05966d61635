import Foundation
import TresorCore

extension LocalAdapter {
    /// The mark and current version, read from the clear part of the file: nothing is decrypted.
    public func readMetadata(at path: String) async throws -> VaultEntryMetadata? {
        let location = try LocalSecretPath(path)
        guard let line = try LocalFileSystem.readFirstLine(location.file(under: directory)) else { return nil }
        return try LocalSecretHeader.decode(line, path: path).metadata(path: path)
    }

    /// The current version, or the given one (`"1"`, `"2"`, …); nil when the secret is
    /// absent or that version is no longer kept. The metadata describes the version
    /// read: its number and creation time, with the secret's current mark.
    public func read(at path: String, version: String?) async throws -> VaultEntry? {
        let location = try LocalSecretPath(path)
        let wanted = try version.map { try Self.versionNumber($0, path: path) }
        guard let file = try readFile(location) else { return nil }
        guard let entry = try file.version(wanted ?? file.header.version, path: path) else { return nil }
        let content = try cipher.open(entry.sealed, path: location, version: entry.version)
        let metadata = VaultEntryMetadata(
            path: path, vaultVersion: String(entry.version), mark: file.header.mark, updatedAt: entry.createdAt)
        return VaultEntry(metadata: metadata, content: content)
    }

    /// The whole secret file at `location`, or nil when there is none.
    func readFile(_ location: LocalSecretPath) throws -> LocalSecretFile? {
        guard let data = try LocalFileSystem.readFile(location.file(under: directory)) else { return nil }
        return try LocalSecretFile(data, path: location.path)
    }

    static func versionNumber(_ version: String, path: String) throws -> Int {
        guard let number = Int(version), number > 0 else {
            throw VaultError(
                .invalidRequest, "local vault: '\(version)' is not a version of \(path); local vault versions are 1, 2, 3, …")
        }
        return number
    }
}
