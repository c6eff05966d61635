import Foundation
import TresorTestSupport

/// Manifests for the daemon tests: one OpenBao profile and basicAuth secrets under a
/// prefix of their own.
struct BaoManifests {
    let address: String
    let prefix: String

    init(address: String, prefix: String = "daemon-" + UUID().uuidString.prefix(8).lowercased()) {
        self.address = address
        self.prefix = prefix
    }

    var profile: String {
        TestManifests.vaultProfile(
            "bao", "hashicorp", ["address: \(address)", "mount: secret", "pathPrefix: \(prefix)", "auth: {token: {fromEnv: BAO_TEST_TOKEN}}"])
    }

    func secret(_ name: String, password: String, type: String = "basicAuth", deletionPolicy: String = "Delete") -> String {
        TestManifests.secret(
            name, type: type, profile: "bao", "allowInlineValues: true", "deletionPolicy: \(deletionPolicy)",
            "content: {username: app, password: \"\(password)\"}")
    }
}

extension OpenBaoDevServer {
    /// The password the vault holds at `prefix/name`, nil when the server has none.
    func password(_ manifests: BaoManifests, _ name: String) async throws -> String? {
        let json = try await kvRead(["kv", "get", "-format=json", "-mount=secret", "\(manifests.prefix)/\(name)"])
        return ((json?["data"] as? [String: Any])?["data"] as? [String: String])?["password"]
    }

    /// The KV v2 current version at `prefix/name`, nil when the server has none.
    func currentVersion(_ manifests: BaoManifests, _ name: String) async throws -> Int? {
        let json = try await kvRead(["kv", "metadata", "get", "-format=json", "-mount=secret", "\(manifests.prefix)/\(name)"])
        return (json?["data"] as? [String: Any])?["current_version"] as? Int
    }
}
