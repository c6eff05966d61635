import Synchronization

/// ``ManifestRepository`` answers, kept for one load: every manifest of a directory has
/// the same repository, and the same `fromFile` path written in one directory leads to the
/// same place. Each answer costs `realpath` and a walk up the tree; 100,000 manifests in
/// 100 directories need 100 of them, not 100,000.
final class RepositoryLookup: Sendable {
    private let roots = Mutex<[String: String?]>([:])
    private let leaving = Mutex<[String: Bool]>([:])

    /// The repository of the manifest `file` (one lookup per directory).
    func root(ofManifest file: String) -> String? {
        let directory = Self.directory(of: file)
        if let known = roots.withLock({ $0[directory] }) { return known }
        let root = ManifestRepository.root(of: file)
        roots.withLock { $0[directory] = root }
        return root
    }

    /// ``ManifestRepository/leaves(_:manifestFile:root:)``, once per directory and path.
    func leaves(_ path: String, manifestFile: String, root: String) -> Bool {
        let key = Self.directory(of: manifestFile) + "\u{0}" + path
        if let known = leaving.withLock({ $0[key] }) { return known }
        let answer = ManifestRepository.leaves(path, manifestFile: manifestFile, root: root)
        leaving.withLock { $0[key] = answer }
        return answer
    }

    /// The text up to and including the last `/` (so `/a.yaml` and `a.yaml` differ).
    private static func directory(of file: String) -> String {
        guard let slash = file.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        return String(file[...slash])
    }
}
