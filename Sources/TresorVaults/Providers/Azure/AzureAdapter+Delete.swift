import TresorCore

extension AzureAdapter {
    /// Soft delete; with `deletion: {purge: true}` the deleted secret is purged as well.
    /// Deleting what is absent succeeds.
    public func delete(at path: String) async throws {
        let name = try secretName(path)
        let response = try await call("DELETE", "secrets/\(name)")
        if response.status == 409 { throw failure(response, what: "DELETE secrets/\(name)") }
        guard config.purgeOnDelete else { return }
        // Key Vault finishes a delete in the background; a purge too soon conflicts.
        var waits = recoveryWaits.makeIterator()
        while true {
            let purge = try await call("DELETE", "deletedsecrets/\(name)")
            guard purge.status == 409, let wait = waits.next() else {
                if purge.status == 409 { throw failure(purge, what: "DELETE deletedsecrets/\(name)") }
                return
            }
            try await Task.sleep(for: wait)
        }
    }
}
