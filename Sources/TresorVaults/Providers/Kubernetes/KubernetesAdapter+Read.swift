import Foundation
import TresorCore

extension KubernetesAdapter {
    /// The `resourceVersion` and mark of the Secret, from one GET; nil when there is none.
    public func readMetadata(at path: String) async throws -> VaultEntryMetadata? {
        guard let secret = try await fetch(try secretName(path)) else { return nil }
        return try metadata(path: path, secret)
    }

    /// The Secret's `data`, one content field per key. Kubernetes keeps no earlier
    /// content, so asking for a `version` other than the current `resourceVersion` finds nothing.
    public func read(at path: String, version: String?) async throws -> VaultEntry? {
        guard let secret = try await fetch(try secretName(path)) else { return nil }
        if let version, version != secret.metadata.resourceVersion { return nil }
        var content: [String: SecretValue] = [:]
        for (key, encoded) in secret.data ?? [:] {
            guard let bytes = Data(base64Encoded: encoded), let text = String(data: bytes, encoding: .utf8) else {
                throw VaultError(
                    .corrupted, "\(endpoint.server): \(path): data key '\(key)' is not base64 of UTF-8 text; tresor stores text fields only")
            }
            content[key] = SecretValue(text)
        }
        return VaultEntry(metadata: try metadata(path: path, secret), content: content)
    }
}
