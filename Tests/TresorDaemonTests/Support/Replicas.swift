import Foundation
import TresorCore
import TresorEngine
import TresorVaults
import TresorTestSupport

/// `tresor run` replicas on one etcd prefix, each with a workspace of its own (as on
/// separate machines) holding the same manifests.
struct Replicas {
    let cluster: EtcdCluster
    let bao: OpenBaoDevServer
    let manifests: BaoManifests
    let prefix: String
    let leaseTTL: Int

    init(cluster: EtcdCluster, bao: OpenBaoDevServer, secrets: Int, leaseTTL: Int = 5) throws {
        self.cluster = cluster
        self.bao = bao
        self.manifests = BaoManifests(address: bao.address)
        self.prefix = "/tresor-" + manifests.prefix
        self.leaseTTL = leaseTTL
        self.secrets = secrets
    }

    let secrets: Int

    static func name(_ index: Int) -> String { "s\(String(format: "%04d", index))" }
    static func password(_ index: Int, variant: String = "") -> String { "pw-ha-\(variant)\(index)-Xq7" }

    /// A replica started on a fresh workspace with the manifests (reaching OpenBao at
    /// `address` when given, and with the passwords of `variant`).
    func start(address: String? = nil, variant: String = "", extraManifests: String = "", arguments: [String] = []) throws -> DaemonProcess {
        let directory = try DaemonProcess.workspace()
        let profile = BaoManifests(address: address ?? bao.address, prefix: manifests.prefix).profile
        try profile.write(toFile: directory + "/manifests/profile.yaml", atomically: true, encoding: .utf8)
        var text = ""
        for index in 0..<secrets { text += manifests.secret(Self.name(index), password: Self.password(index, variant: variant)) }
        try (text + extraManifests).write(toFile: directory + "/manifests/secrets.yaml", atomically: true, encoding: .utf8)
        return try DaemonProcess.start(
            in: directory, environment: ["BAO_TEST_TOKEN": bao.rootToken],
            arguments: ["--etcd-endpoints", cluster.endpoints, "--etcd-prefix", prefix, "--lease-ttl", "\(leaseTTL)"] + arguments)
    }

    /// The state store the replicas share, read as `tresor get` reads it.
    var store: StateStore {
        StateStore(readingAt: "/nonexistent", etcd: EtcdStateStore(client: cluster.client(), prefix: prefix))
    }

    /// How many statuses the replicas have written.
    func statusCount() async throws -> Int {
        let prefix = self.prefix
        let client = cluster.client()
        return try await offloaded { try client.count(prefix: prefix + "/status/Secret/") }
    }

    /// Every status key with its mod_revision.
    func statusRevisions() async throws -> [String: Int64] {
        let prefix = self.prefix
        let client = cluster.client()
        return try await offloaded {
            Dictionary(uniqueKeysWithValues: try client.list(prefix: prefix + "/status/Secret/", keysOnly: true).map { ($0.key, $0.modRevision) })
        }
    }

    /// Each secret's KV v2 current version in OpenBao (absent: no entry), read over HTTP.
    func vaultVersions() async throws -> [String: Int] {
        let http = CurlHTTPClient()
        var versions: [String: Int] = [:]
        for index in 0..<secrets {
            let name = Self.name(index)
            let response = try await http.send(
                HTTPRequest(
                    method: "GET", url: "\(bao.address)/v1/secret/metadata/\(manifests.prefix)/\(name)",
                    headers: [("X-Vault-Token", bao.rootToken)]), tls: TLSOptions())
            guard response.status == 200 else { continue }
            let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            versions[name] = (json?["data"] as? [String: Any])?["current_version"] as? Int
        }
        return versions
    }

    /// Whether the replica leads now, from its /metrics.
    static func leads(_ daemon: DaemonProcess) async throws -> Bool {
        try await daemon.metrics().value("tresor_leader") == 1
    }
}
