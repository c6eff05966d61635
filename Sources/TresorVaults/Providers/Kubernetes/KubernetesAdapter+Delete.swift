import TresorCore

extension KubernetesAdapter {
    /// DELETE; a Secret that is already gone counts as deleted.
    public func delete(at path: String) async throws {
        try await remove(try secretName(path), precondition: nil, path: path)
    }
}
