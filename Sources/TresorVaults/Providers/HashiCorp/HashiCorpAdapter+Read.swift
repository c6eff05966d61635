import Foundation
import TresorCore

extension HashiCorpAdapter {
    /// The current version and mark from `GET <mount>/metadata/<path>`: no content is
    /// read. Nil when nothing is there or the current version is deleted or destroyed.
    /// On a KV v1 mount the content is read to find out whether the secret exists.
    public func readMetadata(at path: String) async throws -> VaultEntryMetadata? {
        switch try await kvVersion() {
        case .v1:
            return try await readV1(at: path)?.metadata
        case .v2:
            guard let body = try await metadataBody(at: path) else { return nil }
            guard body.currentVersion > 0 else { return nil }
            let current = body.versions?[String(body.currentVersion)]
            if Self.isGone(deletionTime: current?.deletionTime, destroyed: current?.destroyed) { return nil }
            return VaultEntryMetadata(
                path: path, vaultVersion: String(body.currentVersion),
                mark: try HashiCorpMark.decode(body.customMetadata, path: path, server: transport.server),
                updatedAt: HashiCorpTime.parse(current?.createdTime) ?? HashiCorpTime.parse(body.updatedTime))
        }
    }

    /// The content of the current version, or of `version` (`"1"`, `"2"`, …), from
    /// `GET <mount>/data/<path>[?version=N]`, with the secret's mark. Nil when absent,
    /// deleted or destroyed. A KV v1 mount has no versions: `version` must be nil.
    public func read(at path: String, version: String?) async throws -> VaultEntry? {
        switch try await kvVersion() {
        case .v1:
            if let version {
                throw VaultError(
                    .invalidRequest,
                    "\(transport.server): mount '\(mount)' is KV version 1, which keeps no versions; cannot read version \(version) of \(path)")
            }
            return try await readV1(at: path)
        case .v2:
            var query: String?
            if let version {
                guard let number = Int(version), number > 0 else {
                    throw VaultError(
                        .invalidRequest, "\(transport.server): '\(version)' is not a KV version of \(path); versions are 1, 2, 3, …")
                }
                query = "version=\(number)"
            }
            let apiPath = try v2Path("data", path)
            let response = try await call("GET", apiPath, query: query)
            switch response.status {
            case 200: break
            case 404: return nil
            default: throw transport.failure(response, method: "GET", apiPath: apiPath)
            }
            let body = try transport.decode(HashiCorpDataResponse.self, from: response, apiPath: apiPath).data
            guard let data = body?.data, let metadata = body?.metadata else { return nil }
            if Self.isGone(deletionTime: metadata.deletionTime, destroyed: metadata.destroyed) { return nil }
            let entry = VaultEntryMetadata(
                path: path, vaultVersion: String(metadata.version),
                mark: try HashiCorpMark.decode(metadata.customMetadata, path: path, server: transport.server),
                updatedAt: HashiCorpTime.parse(metadata.createdTime))
            return VaultEntry(metadata: entry, content: data.mapValues { SecretValue($0.text) })
        }
    }

    /// `GET <mount>/<path>` on a KV v1 mount: no version, no mark.
    func readV1(at path: String) async throws -> VaultEntry? {
        let apiPath = try v1Path(path)
        let response = try await call("GET", apiPath)
        switch response.status {
        case 200: break
        case 404: return nil
        default: throw transport.failure(response, method: "GET", apiPath: apiPath)
        }
        let data = try transport.decode(HashiCorpV1Response.self, from: response, apiPath: apiPath).data ?? [:]
        return VaultEntry(
            metadata: VaultEntryMetadata(path: path, vaultVersion: nil, mark: nil), content: data.mapValues { SecretValue($0.text) })
    }

    /// A version whose deletion time has passed, or that is destroyed, is not there.
    static func isGone(deletionTime: String?, destroyed: Bool?) -> Bool {
        if destroyed == true { return true }
        guard let deleted = HashiCorpTime.parse(deletionTime) else { return false }
        return deleted <= Date()
    }
}

extension HashiCorpAdapter {
    /// The whole `GET <mount>/metadata/<path>` answer (deleted versions included); nil on 404.
    func metadataBody(at path: String) async throws -> HashiCorpMetadataResponse.Body? {
        let apiPath = try v2Path("metadata", path)
        let response = try await call("GET", apiPath)
        switch response.status {
        case 200: return try transport.decode(HashiCorpMetadataResponse.self, from: response, apiPath: apiPath).data
        case 404: return nil
        default: throw transport.failure(response, method: "GET", apiPath: apiPath)
        }
    }
}
