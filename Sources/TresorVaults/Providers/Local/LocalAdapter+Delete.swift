import Foundation
import TresorCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension LocalAdapter {
    /// Removes the secret's file with every version, then the directories it leaves
    /// empty, up to the vault root. Deleting an absent secret succeeds.
    public func delete(at path: String) async throws {
        let location = try LocalSecretPath(path)
        let folder = location.directory(under: directory)
        try LocalVaultLock.withExclusiveLock(directory: directory, path: path) {
            let file = folder + "/" + location.fileName
            if unlink(file) != 0 {
                let code = errno
                guard code == ENOENT || code == ENOTDIR else { throw LocalFileSystem.failure("delete", file, code) }
                return
            }
            unlink(LocalFileSystem.temporaryFile(directory: folder, name: location.fileName))
            // Remove emptied directories, deepest first; rmdir refuses non-empty ones.
            var directories = location.directories
            var synced = folder
            while !directories.isEmpty, rmdir(directory + "/" + directories.joined(separator: "/")) == 0 {
                directories.removeLast()
                synced = directories.isEmpty ? directory : directory + "/" + directories.joined(separator: "/")
            }
            try LocalFileSystem.syncDirectory(synced)
        }
    }
}
