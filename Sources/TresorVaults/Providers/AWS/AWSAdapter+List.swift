import TresorCore

extension AWSAdapter {
    /// Every live secret under the prefix tagged `managed-by`, sorted by path: `ListSecrets`
    /// filtered by name prefix and tag key, 100 a page. Tags and version stages come with
    /// each entry, so no secret is described one by one.
    public func listManaged() async throws -> [VaultEntryMetadata] {
        let namePrefix = prefix.isEmpty ? "" : prefix.joined(separator: "/") + "/"
        var filters = [AWSListSecretsRequest.Filter(key: "tag-key", values: [AWSMark.managedByKey])]
        if !namePrefix.isEmpty { filters.append(.init(key: "name", values: [namePrefix])) }
        var found: [VaultEntryMetadata] = []
        var next: String?
        repeat {
            let response = try await transport.call(
                "ListSecrets", AWSListSecretsRequest(filters: filters, maxResults: 100, nextToken: next), secret: nil)
            let page = try transport.decode(AWSListSecretsResponse.self, from: response, action: "ListSecrets")
            for secret in page.secretList ?? [] {
                guard let name = secret.name, name.hasPrefix(namePrefix), !secret.isScheduledForDeletion else { continue }
                let path = String(name.dropFirst(namePrefix.count))
                guard (try? secretName(path)) == name else { continue }
                let metadata = try metadata(path: path, secret)
                if metadata.mark != nil { found.append(metadata) }
            }
            next = page.nextToken.flatMap { $0.isEmpty ? nil : $0 }
        } while next != nil
        return found.sorted { $0.path < $1.path }
    }
}
