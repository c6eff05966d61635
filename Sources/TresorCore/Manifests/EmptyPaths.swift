/// `validate`'s check that every path given holds at least one tresor manifest: in CI a
/// mistyped directory otherwise passes as "valid: no manifests in 0 files".
public enum EmptyPaths {
    public static func diagnostics(_ paths: [String], found: ManifestFiles.Found, result: LoadResult) -> [Diagnostic] {
        // A path that could not be read already has its own error.
        let unreadable = Set(found.diagnostics.map(\.location.file))
        return paths.compactMap { path in
            let path = path == "-" ? ManifestFiles.standardInputName : path
            guard !unreadable.contains(path) else { return nil }
            let prefix = path.hasSuffix("/") ? path : path + "/"
            let holds = result.manifestFiles.contains { $0 == path || $0.hasPrefix(prefix) }
            guard !holds else { return nil }
            return Diagnostic(
                .error, at: SourceLocation(file: path),
                "holds no tresor manifests; check the path, or pass --allow-empty if an empty set is intended")
        }
    }
}
