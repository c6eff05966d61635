import Foundation
import TresorCore

/// The first line of a secret file: the format, the mark and the current version, in
/// clear. A metadata read decodes this line only and decrypts nothing.
struct LocalSecretHeader: Codable, Sendable {
    static let currentFormat = 1

    var format: Int
    var mark: OwnershipMark?
    /// The number of the current version, the one on the file's last line.
    var version: Int
    var updatedAt: Date

    func metadata(path: String) -> VaultEntryMetadata {
        VaultEntryMetadata(path: path, vaultVersion: String(version), mark: mark, updatedAt: updatedAt)
    }

    /// Decodes a header line; anything else is ``VaultError/Kind/corrupted``.
    static func decode(_ line: Data, path: String) throws -> LocalSecretHeader {
        guard
            let header = scan(line)
                ?? (try? JSONDecoder().decodeBounded(LocalSecretHeader.self, from: line, maxDepth: 32)),
            header.format == currentFormat, header.version > 0
        else {
            throw LocalSecretFile.unreadable(path)
        }
        return header
    }
}
