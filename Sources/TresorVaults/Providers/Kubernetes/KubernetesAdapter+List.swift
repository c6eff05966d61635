import TresorCore

extension KubernetesAdapter {
    /// Every Secret in the namespace labelled managed-by tresor whose name maps back to a
    /// path, sorted by path: a label-selected list, 500 a page.
    public func listManaged() async throws -> [VaultEntryMetadata] {
        var found: [VaultEntryMetadata] = []
        var next: String?
        repeat {
            var query = "labelSelector=app.kubernetes.io%2Fmanaged-by%3Dtresor&limit=500"
            if let next { query += "&continue=" + FormEncoding.escape(next) }
            let response = try await call("GET", name: nil, query: query)
            if response.status == 409 || response.status == 404 { throw failure(response, what: "GET secrets (list)") }
            let page = try endpoint.decode(KubernetesSecretList.self, response, what: "GET secrets (list)")
            for secret in page.items {
                let path = secret.metadata.name.split(separator: ".").joined(separator: "/")
                guard (try? secretName(path)) == secret.metadata.name else { continue }
                let metadata = try metadata(path: path, secret)
                if metadata.mark != nil { found.append(metadata) }
            }
            next = page.metadata?.continue.flatMap { $0.isEmpty ? nil : $0 }
        } while next != nil
        return found.sorted { $0.path < $1.path }
    }
}
