import Foundation
import Testing
import TresorCore
import TresorEngine
import TresorVaults
import TresorTestSupport

/// The approval API on `tresor run`'s endpoint, over real HTTP: who may list and decide,
/// and that an approval is performed by the daemon at once.
@Suite(.serialized) struct DaemonApprovalHTTPTests {
    static let http = CurlHTTPClient()

    func call(_ method: String, _ port: Int, _ path: String, token: String?) async throws -> (status: Int, body: String) {
        var headers: [(name: String, value: String)] = []
        if let token { headers.append((name: "Authorization", value: "Bearer \(token)")) }
        let response = try await Self.http.send(
            HTTPRequest(method: method, url: "http://127.0.0.1:\(port)\(path)", headers: headers, body: method == "POST" ? [] : nil),
            tls: TLSOptions())
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    func pendingID(_ port: Int, token: String) async throws -> String? {
        let (status, body) = try await call("GET", port, "/v1/approvals", token: token)
        guard status == 200, let list = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]] else { return nil }
        return list.first?["id"] as? String
    }

    /// A daemon workspace whose one secret (`db`, from `DB_API_KEY`) waits for one approval
    /// from `approvers`.
    static func workspace(approvers: [String]) throws -> String {
        let directory = try DaemonProcess.workspace()
        try (TestManifests.localProfile("main", "approvalProfile: review")
            + TestManifests.approvalProfile(required: 1, approvers: approvers)
            + TestManifests.secret("db", type: "apiKey", "content: {content: {fromEnv: DB_API_KEY}}"))
            .write(toFile: directory + "/manifests/all.yaml", atomically: true, encoding: .utf8)
        return directory
    }

    @Test func onlyAnApproverWithAValidTokenDecidesAndTheApprovedCreateIsWritten() async throws {
        let directory = try Self.workspace(approvers: ["alice", "bob"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let value = "approved-over-http-" + UUID().uuidString
        let alice = ApprovalTokens.make(identity: "alice")
        let mallory = ApprovalTokens.make(identity: "mallory")
        try (alice.line + "\n" + mallory.line + "\n").write(toFile: directory + "/tokens", atomically: true, encoding: .utf8)

        let daemon = try DaemonProcess.start(
            in: directory, environment: ["DB_API_KEY": value], arguments: ["--approval-tokens", directory + "/tokens"])
        do {
            try await daemon.waitUntilReady()
            let port = daemon.port

            // The create waits: the daemon asked for approval as `gitops`.
            try await eventually("a pending request") {
                try await pendingID(port, token: alice.token) != nil
            }
            let id = try #require(try await pendingID(port, token: alice.token))
            let approve = "/v1/approvals/\(id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id)/approve"

            #expect(try await call("GET", port, "/v1/approvals", token: nil).status == 401)
            #expect(try await call("GET", port, "/v1/approvals", token: "not-a-token").status == 401)
            #expect(try await call("POST", port, approve, token: nil).status == 401)
            #expect(try await call("POST", port, approve, token: alice.token + "x").status == 401)
            #expect(try await call("POST", port, approve, token: mallory.token).status == 403)

            let vault = try LocalAdapter(directory: directory + "/state/vaults/main", keyFile: directory + "/state/local.key")
            let nothingYet = try await vault.readMetadata(at: "db") == nil
            #expect(nothingYet, "no write before the approval")

            try await eventually("one pending approval in /metrics") {
                try await daemon.metrics().value("tresor_pending_approvals") == 1
            }
            #expect(try await call("POST", port, approve, token: alice.token).status == 200)
            try await eventually("the approved create in the vault", timeout: .seconds(60)) {
                try await vault.read(at: "db", version: nil)?.content["content"]?.reveal() == value
            }
            // The gauge moves when the pass that wrote has finished, just after the write.
            try await eventually("no pending approvals in /metrics") {
                try await daemon.metrics().value("tresor_pending_approvals") == 0
            }

            let log = daemon.log
            #expect(!log.contains(value) && !log.contains(alice.token) && !log.contains(mallory.token), "no value or token in the log")
            #expect(try await daemon.signal(SIGTERM) == 0)
            try await YAMLReaders.expectReadAlike(under: daemon.state)
        } catch {
            await daemon.kill9()
            throw error
        }
    }

    /// The tokens file is read again when it changes: a token removed while the daemon
    /// runs is refused on its next request and decides nothing; one added works at once.
    @Test func aTokenRevokedWhileRunningIsRefusedAtOnceAndDecidesNothing() async throws {
        let directory = try Self.workspace(approvers: ["alice", "carol"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let value = "revoked-token-" + UUID().uuidString
        let alice = ApprovalTokens.make(identity: "alice")
        let carol = ApprovalTokens.make(identity: "carol")
        let tokens = directory + "/tokens"
        try (alice.line + "\n").write(toFile: tokens, atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess.start(in: directory, environment: ["DB_API_KEY": value], arguments: ["--approval-tokens", tokens])
        do {
            try await daemon.waitUntilReady()
            let port = daemon.port
            try await eventually("a pending request") { try await pendingID(port, token: alice.token) != nil }
            let id = try #require(try await pendingID(port, token: alice.token))
            let approve = "/v1/approvals/\(id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id)/approve"

            // Revoked: the file no longer holds alice's token.
            try ("# alice left the team\n").write(toFile: tokens, atomically: true, encoding: .utf8)
            #expect(try await call("GET", port, "/v1/approvals", token: alice.token).status == 401)
            #expect(try await call("POST", port, approve, token: alice.token).status == 401)
            let vault = try LocalAdapter(directory: directory + "/state/vaults/main", keyFile: directory + "/state/local.key")
            let nothingWritten = try await vault.readMetadata(at: "db") == nil
            #expect(nothingWritten, "a revoked token decided nothing")

            // Added: carol's token works from the next request.
            try (carol.line + "\n").write(toFile: tokens, atomically: true, encoding: .utf8)
            #expect(try await call("POST", port, approve, token: carol.token).status == 200)
            try await eventually("the approved create in the vault", timeout: .seconds(60)) {
                try await vault.read(at: "db", version: nil)?.content["content"]?.reveal() == value
            }
            let audit = try String(contentsOfFile: directory + "/state/audit.log", encoding: .utf8)
            #expect(audit.contains("\"actor\":\"carol\"") && !audit.contains("\"actor\":\"alice\""))
            #expect(try await daemon.signal(SIGTERM) == 0)
        } catch {
            await daemon.kill9()
            throw error
        }
    }
}
