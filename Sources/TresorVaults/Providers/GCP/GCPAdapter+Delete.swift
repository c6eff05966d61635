import TresorCore

extension GCPAdapter {
    /// Deletes the secret with every version; deleting what is absent succeeds.
    public func delete(at path: String) async throws {
        let id = try secretId(path)
        let response = try await call("DELETE", "secrets/\(id)")
        if response.status == 409 { throw failure(response, what: "DELETE secrets/\(id)") }
    }
}
