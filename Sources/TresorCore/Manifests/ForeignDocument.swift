/// A YAML document that belongs to another tool: a manifest directory often holds a
/// `kustomization.yaml`, ConfigMaps or other Kubernetes objects beside tresor's own.
/// A document is foreign when its `apiVersion` is outside the `tresor.dev` group, or when
/// it has no `apiVersion`, no `kind` and no `spec` (a kustomization may omit all three).
/// A tresor kind under a wrong or missing version stays an error: that is a typo.
struct ForeignDocument: CustomStringConvertible {
    let description: String

    init?(_ root: YAMLNode) {
        guard case .mapping(let pairs, _) = root else { return nil }
        func scalar(_ key: String) -> String? {
            for pair in pairs {
                if case .scalar(let name, _) = pair.key, name.text == key, case .scalar(let value, _) = pair.value { return value.text }
            }
            return nil
        }
        let version = scalar("apiVersion")
        let kind = scalar("kind")
        if let version {
            guard !version.hasPrefix("tresor.dev/") else { return nil }
        } else if kind != nil || pairs.contains(where: { if case .scalar(let name, _) = $0.key { name.text == "spec" } else { false } }) {
            // A kind or a spec without an apiVersion reads as a tresor manifest missing it.
            return nil
        }
        let what = [kind.map { "kind \(Text.short($0))" }, version.map { "apiVersion \(Text.short($0))" }].compactMap { $0 }
        self.description = what.isEmpty ? "a document without apiVersion or kind" : "a document of " + what.joined(separator: ", ")
    }
}
