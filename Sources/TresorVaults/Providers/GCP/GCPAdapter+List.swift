import TresorCore

extension GCPAdapter {
    /// Every secret labelled managed-by tresor whose id maps back to a path, with its newest
    /// version, sorted by path: `GET secrets?filter=labels.managed-by=tresor`, 250 a page,
    /// then `versions/latest` of each (8 at a time).
    public func listManaged() async throws -> [VaultEntryMetadata] {
        var secrets: [(path: String, secret: GCPSecret)] = []
        var next: String?
        repeat {
            var query = "filter=" + FormEncoding.escape("labels.managed-by=tresor") + "&pageSize=250"
            if let next { query += "&pageToken=" + FormEncoding.escape(next) }
            let response = try await call("GET", "secrets", query: query)
            if response.status == 404 || response.status == 409 { throw failure(response, what: "GET secrets") }
            let page = try api.decode(GCPSecretList.self, response, what: "GET secrets")
            for secret in page.secrets ?? [] {
                guard let id = secret.id, secret.labels?[GCPMark.managedByKey] == "tresor" else { continue }
                let path = id.components(separatedBy: VaultNameRule.gcp.separator).joined(separator: "/")
                if (try? secretId(path)) == id { secrets.append((path, secret)) }
            }
            next = page.nextPageToken.flatMap { $0.isEmpty ? nil : $0 }
        } while next != nil
        var found: [VaultEntryMetadata] = []
        for start in stride(from: 0, to: secrets.count, by: 8) {
            let batch = secrets[start..<min(start + 8, secrets.count)]
            try await withThrowingTaskGroup(of: VaultEntryMetadata?.self) { group in
                for (path, secret) in batch {
                    group.addTask {
                        guard let id = secret.id, let latest = try await get(GCPSecretVersion.self, "secrets/\(id)/versions/latest") else { return nil }
                        return try metadata(path: path, secret, version: latest)
                    }
                }
                for try await entry in group { if let entry { found.append(entry) } }
            }
        }
        return found.sorted { $0.path < $1.path }
    }
}
