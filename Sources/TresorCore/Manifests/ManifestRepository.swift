import Foundation

/// The repository a manifest file belongs to: the nearest directory above it that holds
/// `.git`, else the manifest's own directory. A `fromFile` path that leads out of it reads
/// something the repository's review does not cover (`../../home/…/.ssh/id_ed25519`,
/// `/proc/self/environ`), so `validate` says so. The directories where container runtimes
/// and Kubernetes mount secrets for a process are where such files belong, and pass.
enum ManifestRepository {
    static let secretMounts = ["/run/secrets/", "/var/run/secrets/"]

    /// The repository's absolute root, or nil when the manifest is not a file on disk.
    static func root(of manifestFile: String) -> String? {
        let directory = (manifestFile as NSString).deletingLastPathComponent
        guard let resolved = realpath(directory.isEmpty ? "." : directory, nil) else { return nil }
        let start = String(cString: resolved)
        free(resolved)
        var candidate = start
        while true {
            if access(candidate + "/.git", F_OK) == 0 { return candidate }
            guard candidate != "/", !candidate.isEmpty else { return start }
            candidate = (candidate as NSString).deletingLastPathComponent
        }
    }

    /// True when `path` (absolute, or relative to the manifest's directory) leads outside
    /// `root`, judged on the path's text after following the links of its existing part.
    static func leaves(_ path: String, manifestFile: String, root: String) -> Bool {
        let directory = (manifestFile as NSString).deletingLastPathComponent
        let joined = path.hasPrefix("/") ? path : ((directory.isEmpty ? "." : directory) as NSString).appendingPathComponent(path)
        var absolute = joined.hasPrefix("/") ? joined : FileManager.default.currentDirectoryPath + "/" + joined
        if let resolved = realpath(absolute, nil) {
            absolute = String(cString: resolved)
            free(resolved)
        }
        let normalized = (absolute as NSString).standardizingPath
        if secretMounts.contains(where: { normalized.hasPrefix($0) }) { return false }
        return !(normalized == root || normalized.hasPrefix(root == "/" ? "/" : root + "/"))
    }
}
