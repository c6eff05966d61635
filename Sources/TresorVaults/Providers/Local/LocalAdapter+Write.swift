import Foundation
import TresorCore

extension LocalAdapter {
    /// Writes `content` as a new version with `mark`, if the secret is in the `expected`
    /// state; otherwise throws ``VaultError/Kind/conflict`` and changes nothing.
    public func write(at path: String, content: [String: SecretValue], mark: OwnershipMark, expected: ExpectedVersion)
        async throws -> VaultEntryMetadata
    {
        try await BlockingIO.shared.run { try commit(at: path, content: content, mark: .set(mark), expected: expected) }
    }

    /// Writes `content` as a new version with no mark, as another tool writing to this
    /// vault would: the secret is then not tresor's. For tests of outside writes.
    public func writeUnmanaged(at path: String, content: [String: SecretValue]) throws {
        _ = try commit(at: path, content: content, mark: .remove, expected: nil)
    }

    /// Writes `content` as a new version and keeps whatever mark the secret has: an
    /// outside change of a managed secret's content (drift). For tests.
    public func writeOutside(at path: String, content: [String: SecretValue]) throws {
        _ = try commit(at: path, content: content, mark: .keep, expected: nil)
    }

    enum MarkChange {
        case set(OwnershipMark)
        case keep
        case remove
    }

    /// The read-modify-write of one secret file, under the vault lock.
    private func commit(at path: String, content: [String: SecretValue], mark: MarkChange, expected: ExpectedVersion?)
        throws -> VaultEntryMetadata
    {
        let location = try LocalSecretPath(path)
        let folder = location.directory(under: directory)
        return try LocalVaultLock.withExclusiveLock(directory: directory, path: path) {
            try LocalFileSystem.makeDirectories(folder)
            let existing = try readFile(location)
            if let expected { try Self.check(expected, against: existing, path: path) }

            let now = Date()
            let number = (existing?.header.version ?? 0) + 1
            let sealed = try cipher.seal(content, path: location, version: number)
            var file = existing ?? LocalSecretFile(mark: nil, now: now)
            try file.append(LocalSecretVersion(version: number, createdAt: now, sealed: sealed))
            switch mark {
            case .set(let newMark): file.header.mark = newMark
            case .keep: break
            case .remove: file.header.mark = nil
            }
            try LocalFileSystem.replaceAtomically(directory: folder, name: location.fileName, data: try file.encoded())
            return file.header.metadata(path: path)
        }
    }

    private static func check(_ expected: ExpectedVersion, against existing: LocalSecretFile?, path: String) throws {
        let wanted: String?
        switch expected {
        case .absent: wanted = nil
        case .version(let version): wanted = version
        }
        let found = existing.map { String($0.header.version) }
        guard found != wanted else { return }
        let expectation = wanted.map { "version \($0)" } ?? "it absent"
        let finding = found.map { "version \($0)" } ?? "nothing"
        throw VaultError(
            .conflict,
            "local vault: \(path) changed since it was observed (expected \(expectation), found \(finding)); observe it again before writing")
    }
}
