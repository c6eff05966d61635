import Foundation
import Testing
import TresorEngine
import TresorVaults
import TresorTestSupport

extension OpenBaoDevServer {
    /// The server of the enclosing `.openBaoDevServer` suite.
    static func inScope() throws -> OpenBaoDevServer {
        guard let server = current else { throw Failure(description: "no OpenBao dev server in scope") }
        return server
    }

    /// The data `bao kv get` shows at `path` on `mount`; nil when the server has none.
    func kvData(mount: String, _ path: String) async throws -> [String: String]? {
        let json = try await kvRead(["kv", "get", "-format=json", "-mount=\(mount)", path])
        return (json?["data"] as? [String: Any])?["data"] as? [String: String]
    }
}

/// A whole-pass test's own corner of the dev server in scope: a KV v2 mount of its own
/// (the sync target), a path prefix of its own on the `secret` mount, a state directory,
/// and the VaultProfiles `bao-secret` and `bao-copy` on the two mounts.
struct OpenBaoTwoMounts {
    let server: OpenBaoDevServer
    let state: URL
    let store: StateStore
    let prefix: String
    let copyMount: String

    var environment: [String: String] { ["BAO_TEST_TOKEN": server.rootToken] }

    /// - Parameter label: names the mount, the prefix and the state directory after the suite.
    init(label: String) async throws {
        server = try OpenBaoDevServer.inScope()
        let unique = UUID().uuidString.prefix(8).lowercased()
        copyMount = "\(label)-copy-\(unique)"
        try await server.must(["secrets", "enable", "-path=\(copyMount)", "-version=2", "kv"])
        state = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-bao-\(label)-\(UUID().uuidString)")
        store = try StateStore(root: state.path)
        prefix = "\(label)-\(unique)"
    }

    /// The two profiles; `specLine` (e.g. `approvalProfile: review`) goes into both specs.
    func profiles(specLine: String? = nil) -> String {
        [("secret", "secret"), ("copy", copyMount)].map { name, mount in
            """
            apiVersion: tresor.dev/v1alpha1
            kind: VaultProfile
            metadata: {name: bao-\(name)}
            spec:
              provider:
                hashicorp:
                  address: \(server.address)
                  mount: \(mount)
                  pathPrefix: \(prefix)
                  auth: {token: {fromEnv: BAO_TEST_TOKEN}}
            \(specLine.map { "  " + $0 + "\n" } ?? "")---

            """
        }.joined()
    }
}

extension OpenBaoTwoMounts {
    static let http = CurlHTTPClient(configuration: .init(retry: .none))

    /// One engine pass over `yaml` on this corner's state directory, with the server's token.
    func apply(_ yaml: String, options: Engine.Options) async throws -> Engine.Report {
        try await EnginePass.apply(yaml, state: state, store: store, environment: environment, http: Self.http, options: options)
    }
}
