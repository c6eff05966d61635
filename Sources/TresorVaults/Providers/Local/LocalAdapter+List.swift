import Foundation
import TresorCore

extension LocalAdapter {
    /// Every secret in the vault that carries a tresor mark, sorted by path. Reads only
    /// the clear part of each file; the lock file and temp files are skipped.
    public func listManaged() async throws -> [VaultEntryMetadata] {
        var result: [VaultEntryMetadata] = []
        try collect(relative: "", into: &result)
        return result.sorted { $0.path < $1.path }
    }

    private func collect(relative: String, into result: inout [VaultEntryMetadata]) throws {
        let folder = relative.isEmpty ? directory : directory + "/" + relative
        for entry in try LocalFileSystem.entries(of: folder) {
            let path = relative.isEmpty ? entry.name : relative + "/" + entry.name
            switch entry.kind {
            case .directory:
                try collect(relative: path, into: &result)
            case .file:
                guard entry.name.hasSuffix(LocalSecretPath.fileSuffix) else { continue }
                let secretPath = String(path.utf8.dropLast(LocalSecretPath.fileSuffix.utf8.count)) ?? ""
                // A file that no secret path leads to was not written by this adapter.
                guard (try? LocalSecretPath(secretPath)) != nil else { continue }
                // Gone since the directory was listed: deleted meanwhile.
                guard let line = try LocalFileSystem.readFirstLine(folder + "/" + entry.name) else { continue }
                let header = try LocalSecretHeader.decode(line, path: secretPath)
                if header.mark != nil { result.append(header.metadata(path: secretPath)) }
            case .other:
                continue
            }
        }
    }
}
