import Foundation
import Testing
import TresorCore
import TresorEngine
import TresorVaults
import TresorTestSupport

/// The daemon holds a vault profile's secrets to the rules in force while a change that
/// removes its approval profile waits, and applies the looser rules as soon as the rule
/// change is approved over the API.
@Suite(.serialized) struct DaemonRuleChangeTests {
    static let http = CurlHTTPClient()

    func call(_ method: String, _ port: Int, _ path: String, token: String) async throws -> (status: Int, body: String) {
        let response = try await Self.http.send(
            HTTPRequest(
                method: method, url: "http://127.0.0.1:\(port)\(path)", headers: [(name: "Authorization", value: "Bearer \(token)")],
                body: method == "POST" ? [] : nil),
            tls: TLSOptions())
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    /// The ids of the open requests.
    func pending(_ port: Int, token: String) async throws -> [String] {
        let (status, body) = try await call("GET", port, "/v1/approvals", token: token)
        guard status == 200, let list = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]] else { return [] }
        return list.compactMap { $0["state"] as? String == "pending" ? $0["id"] as? String : nil }
    }

    func approve(_ id: String, _ port: Int, token: String) async throws -> Int {
        try await call("POST", port, "/v1/approvals/\(id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id)/approve", token: token)
            .status
    }

    static func manifests(value: String, gated: Bool) -> String {
        """
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: main}
        spec: {provider: {local: {}}\(gated ? ", approvalProfile: review" : "")}
        ---

        """ + TestManifests.approvalProfile(required: 1, approvers: ["alice"]) + """
        apiVersion: tresor.dev/v1alpha1
        kind: Secret
        metadata: {name: db}
        spec: {type: apiKey, vaultProfile: main, allowInlineValues: true, content: {content: \(value)}}
        """
    }

    @Test func aRemovedApprovalProfileKeepsGatingUntilTheRuleChangeIsApproved() async throws {
        let directory = try DaemonProcess.workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = "daemon-rule-gate-first-" + UUID().uuidString.prefix(8).lowercased()
        let second = "daemon-rule-gate-second-" + UUID().uuidString.prefix(8).lowercased()
        let alice = ApprovalTokens.make(identity: "alice")
        try (alice.line + "\n").write(toFile: directory + "/tokens", atomically: true, encoding: .utf8)
        try Self.manifests(value: first, gated: true).write(toFile: directory + "/manifests/all.yaml", atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess.start(in: directory, environment: [:], arguments: ["--approval-tokens", directory + "/tokens"])
        do {
            try await daemon.waitUntilReady()
            let port = daemon.port
            let vault = try LocalAdapter(directory: directory + "/state/vaults/main", keyFile: directory + "/state/local.key")
            try await eventually("the create's request") { try await !pending(port, token: alice.token).isEmpty }
            let create = try #require(try await pending(port, token: alice.token).first)
            #expect(try await approve(create, port, token: alice.token) == 200)
            try await eventually("the first value in the vault") {
                try await vault.read(at: "db", version: nil)?.content["content"]?.reveal() == first
            }

            // One commit removes the gate and changes the value.
            try Self.manifests(value: second, gated: false)
                .write(toFile: directory + "/manifests/all.yaml", atomically: true, encoding: .utf8)
            try await eventually("a rule change and the update both waiting") {
                let ids = try await pending(port, token: alice.token)
                return ids.contains { $0.hasPrefix("vaultprofile:main~") } && ids.contains { $0.hasPrefix("db~") }
            }
            #expect(try await vault.read(at: "db", version: nil)?.content["content"]?.reveal() == first, "held by the rules in force")

            let ruleChange = try #require(try await pending(port, token: alice.token).first { $0.hasPrefix("vaultprofile:main~") })
            // The approvers' page says what the change loosens, with no secret page to link to.
            let browser = UIClient(port: port)
            _ = try await browser.signIn(alice.token)
            let list = try await browser.get("/ui/approvals")
            #expect(list.body.contains("rule change"))
            let page = try await browser.get(
                "/ui/approvals/" + (ruleChange.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ruleChange))
            #expect(page.status == 200)
            #expect(page.body.contains("rule change of vault profile <code>main</code>"), "\(page.body)")
            #expect(page.body.contains("approval profile &#39;review&#39; removed"), "\(page.body)")
            #expect(try await approve(ruleChange, port, token: alice.token) == 200)
            try await eventually("the second value in the vault, with no approval of its own", timeout: .seconds(60)) {
                try await vault.read(at: "db", version: nil)?.content["content"]?.reveal() == second
            }
            let log = daemon.log
            #expect(!log.contains(first) && !log.contains(second), "no value in the log")
            #expect(try await daemon.signal(SIGTERM) == 0)
        } catch {
            await daemon.kill9()
            throw error
        }
    }
}
