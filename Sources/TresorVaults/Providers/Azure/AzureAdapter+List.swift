import Foundation
import TresorCore

extension AzureAdapter {
    /// Every live secret tagged managed-by tresor whose name maps back to a path, sorted by
    /// path: `GET secrets`, 25 a page (Key Vault's maximum), following `nextLink`. List
    /// items carry the current version's tags but no version id, so `vaultVersion` is nil.
    public func listManaged() async throws -> [VaultEntryMetadata] {
        var found: [VaultEntryMetadata] = []
        var response = try await call("GET", "secrets", query: "maxresults=25")
        while true {
            if response.status == 404 || response.status == 409 { throw failure(response, what: "GET secrets") }
            let page = try vault.decode(AzureSecretList.self, response, what: "GET secrets")
            for item in page.value ?? [] {
                guard let name = item.name, item.tags?[AzureMark.managedByKey] == OwnershipMark.managedBy else { continue }
                let path = name.components(separatedBy: VaultNameRule.azure.separator).joined(separator: "/")
                guard (try? secretName(path)) == name else { continue }
                found.append(try metadata(path: path, item))
            }
            guard let next = page.nextLink, !next.isEmpty else { break }
            guard next.hasPrefix(vaultUrl + "/") else {
                throw VaultError(.corrupted, "\(vault.server): a nextLink of GET secrets points outside the vault")
            }
            response = try await vault.sendAuthorized(
                HTTPRequest(method: "GET", url: next, headers: [(name: "Accept", value: "application/json")]), tokens: tokens, what: "GET secrets")
            if !(200...299).contains(response.status) { throw failure(response, what: "GET secrets") }
        }
        return found.sorted { $0.path < $1.path }
    }
}
