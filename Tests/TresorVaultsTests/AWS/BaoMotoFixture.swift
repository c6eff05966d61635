import Foundation
import Testing
import TresorCore
import TresorEngine
import TresorVaults
import TresorTestSupport

/// A state directory and a fresh path prefix on the suite's OpenBao dev server and moto
/// server, with the `bao` and `aws` profiles that reach them: what the suites running whole
/// passes between the two share.
struct BaoMotoFixture {
    let state: URL
    let store: StateStore
    let prefix: String
    let bao: OpenBaoDevServer
    let moto: MotoServer
    let environment: [String: String]

    init(name: String) throws {
        guard let bao = OpenBaoDevServer.current, let moto = MotoServer.current else {
            throw MotoServer.Failure(description: "no OpenBao or moto server in scope")
        }
        state = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-\(name)-\(UUID().uuidString)")
        store = try StateStore(root: state.path)
        prefix = "\(name)-\(UUID().uuidString.prefix(8).lowercased())"
        self.bao = bao
        self.moto = moto
        environment = [
            "BAO_TEST_TOKEN": bao.rootToken, "AWS_ACCESS_KEY_ID": moto.accessKeyId, "AWS_SECRET_ACCESS_KEY": moto.secretAccessKey,
        ]
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: state)
    }

    /// `bao` (OpenBao) and `aws` (moto, keys from the standard AWS variables) profiles;
    /// `baoExtra` and `awsExtra` add spec members (approval or compliance profiles).
    func profiles(awsDeletion: String = "{recoveryWindowDays: 7}", baoExtra: [String] = [], awsExtra: [String] = []) -> String {
        TestManifests.vaultProfile(
            "bao", "hashicorp",
            ["address: \"\(bao.address)\"", "mount: secret", "pathPrefix: \(prefix)", "auth: {token: {fromEnv: BAO_TEST_TOKEN}}"],
            spec: baoExtra)
            + TestManifests.vaultProfile(
                "aws", "aws",
                ["region: \(MotoServer.region)", "endpoint: \"\(moto.endpoint)\"", "pathPrefix: \(prefix)", "deletion: \(awsDeletion)"],
                spec: awsExtra)
    }

    /// The KV v2 data and version as `bao kv get` shows them; nil only when OpenBao says
    /// there is no value (any other failure throws).
    func inBao(_ name: String) async throws -> (data: [String: String]?, version: Int?) {
        let json = try await bao.kvRead(["kv", "get", "-format=json", "-mount=secret", "\(prefix)/\(name)"])
        let data = json?["data"] as? [String: Any]
        return (data?["data"] as? [String: String], (data?["metadata"] as? [String: Any])?["version"] as? Int)
    }

    /// What boto3 sees of the secret in Secrets Manager.
    func inAWS(_ name: String) async throws -> [String: Any] {
        try await AWSTesting.outside(moto, "\(prefix)/\(name)")
    }
}
