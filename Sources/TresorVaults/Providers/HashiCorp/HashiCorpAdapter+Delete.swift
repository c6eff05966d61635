import TresorCore

extension HashiCorpAdapter {
    /// Deletes the secret's metadata and every version (`DELETE <mount>/metadata/<path>`;
    /// `DELETE <mount>/<path>` on KV v1). Deleting what is absent succeeds.
    public func delete(at path: String) async throws {
        let apiPath: String
        switch try await kvVersion() {
        case .v1: apiPath = try v1Path(path)
        case .v2: apiPath = try v2Path("metadata", path)
        }
        let response = try await call("DELETE", apiPath)
        switch response.status {
        case 200, 204, 404: return
        default: throw transport.failure(response, method: "DELETE", apiPath: apiPath)
        }
    }
}
