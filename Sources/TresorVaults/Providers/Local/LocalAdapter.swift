import Foundation
import TresorCore

/// The embedded default vault: one AES-256-GCM encrypted file per secret under a
/// directory, with versions, ownership marks and compare-and-set.
///
/// `db/main` lives in `<directory>/db/main.secret`, as JSON lines: first the mark, the
/// current version number and `updatedAt`, then each of the last 100 versions, sealed
/// with the key and bound to its path and version number. Metadata reads decode the
/// first line only and decrypt nothing. Every change holds an exclusive `flock` on
/// `<directory>/.lock` and replaces the file atomically, so concurrent writers, in this
/// process or others, never lose a write. Files are 0600, directories 0700.
///
/// The file operations block the calling thread; the lock is held only for one
/// synchronous read-modify-write, never across a suspension point.
///
/// ```swift
/// let vault = try LocalAdapter(directory: ".tresor/vaults/dev", keyFile: ".tresor/local.key")
/// let written = try await vault.write(at: "db/main", content: content, mark: mark, expected: .absent)
/// ```
public struct LocalAdapter: VaultAdapter {
    /// The vault's root directory.
    public let directory: String
    /// The file that holds the vault's key.
    public let keyFile: String
    let cipher: LocalCipher

    public var capabilities: VaultCapabilities { [.versions, .metadataMarks, .binary, .compareAndSet] }

    /// Opens the vault at `directory`, creating it (mode 0700) when missing, with the key
    /// in `keyFile`, creating a new random key (mode 0600) when there is no file.
    /// - Throws: ``VaultError/Kind/invalidRequest`` for a key file of the wrong size or
    ///   one that other users can read, and when `directory` is not a directory.
    /// - Parameter readOnly: for a command that writes nothing: no directory and no key is
    ///   made (a missing vault reads as empty, under a throwaway key).
    public init(directory: String, keyFile: String, readOnly: Bool = false) throws {
        guard !directory.isEmpty else { throw VaultError(.invalidRequest, "local vault: the vault directory is empty") }
        guard !keyFile.isEmpty else { throw VaultError(.invalidRequest, "local vault: the key file path is empty") }
        var root = directory
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        self.directory = root
        self.keyFile = keyFile
        if !readOnly { try LocalFileSystem.makeDirectories(root) }
        // The vault keeps the check value of its key: another vault's data never vouches for it.
        cipher = LocalCipher(
            keyBytes: try KeyGuard.key(
                at: keyFile, checkFile: root + "/.key-check", purpose: .localVault,
                protected: { KeyGuard.count(in: root, suffix: ".secret") }, what: "secret files in \(root)", readOnly: readOnly))
    }
}
