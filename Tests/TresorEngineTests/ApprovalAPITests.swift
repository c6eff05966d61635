import Foundation
import Synchronization
import Testing
import TresorCore

@testable import TresorEngine

/// The approval API's authentication and decisions, through the transport-agnostic
/// handler the daemon's HTTP server mounts.
@Suite struct ApprovalAPITests {
    struct Setup {
        let harness: EngineHarness
        let api: ApprovalAPI
        let request: ApprovalRequest
        let tokens: [String: String]
    }

    func setup() async throws -> Setup {
        let harness = try EngineHarness(profiles: ["main"])
        try await harness.apply(
            ApprovalFixture.profiles(["main"], gated: ["main"]) + ApprovalFixture.review(required: 1)
                + ApprovalFixture.secret("db", value: "api-value"))
        var lines = ["# tokens", ""]
        var tokens: [String: String] = [:]
        for identity in ["alice", "mallory"] {
            let made = ApprovalTokens.make(identity: identity)
            tokens[identity] = made.token
            lines.append(made.line)
        }
        let decided = self.decided
        let api = ApprovalAPI(
            service: harness.approvals, tokens: try ApprovalTokens(text: lines.joined(separator: "\n")),
            onDecision: { request in decided.ids.withLock { $0.append(request.id) } })
        return Setup(harness: harness, api: api, request: try #require(try harness.latestRequest("db")), tokens: tokens)
    }

    /// Request ids the API reported decided, in order.
    final class Decided: Sendable {
        let ids = Mutex<[String]>([])
    }

    let decided = Decided()

    func json(_ response: ApprovalAPI.Response) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(response.body))
    }

    @Test func noTokenAndAWrongTokenAreUnauthorized() async throws {
        let setup = try await setup()
        defer { setup.harness.cleanUp() }
        let path = "/v1/approvals/\(setup.request.id)/approve"
        #expect(setup.api.handle(method: "POST", path: path, authorization: nil, body: []).status == 401)
        #expect(setup.api.handle(method: "GET", path: "/v1/approvals", authorization: nil, body: []).status == 401)
        let wrong = "Bearer " + ApprovalTokens.make(identity: "alice").token
        #expect(setup.api.handle(method: "POST", path: path, authorization: wrong, body: []).status == 401)
        // The hash itself is not a token.
        let hash = ApprovalTokens.line(token: setup.tokens["alice"]!, identity: "alice").split(separator: " ")[0]
        #expect(setup.api.handle(method: "POST", path: path, authorization: "Bearer \(hash)", body: []).status == 401)
        #expect(setup.api.handle(method: "POST", path: path, authorization: "Basic \(setup.tokens["alice"]!)", body: []).status == 401)
        #expect(try setup.harness.latestRequest("db")?.decisions.isEmpty == true)
        #expect(decided.ids.withLock { $0.isEmpty })
    }

    @Test func aNonApproverIsForbiddenAndAnApproverDecides() async throws {
        let setup = try await setup()
        defer { setup.harness.cleanUp() }
        let path = "/v1/approvals/\(setup.request.id)/approve"
        let forbidden = setup.api.handle(method: "POST", path: path, authorization: "Bearer \(setup.tokens["mallory"]!)", body: [])
        #expect(forbidden.status == 403)
        #expect(try setup.harness.latestRequest("db")?.decisions.isEmpty == true)

        let listed = setup.api.handle(method: "GET", path: "/v1/approvals", authorization: "Bearer \(setup.tokens["alice"]!)", body: [])
        #expect(listed.status == 200)
        let items = try #require(try json(listed) as? [[String: Any]])
        #expect(items.map { $0["id"] as? String } == [setup.request.id])

        let encoded = path.replacingOccurrences(of: "~", with: "%7E")
        let approved = setup.api.handle(
            method: "POST", path: encoded, authorization: "Bearer \(setup.tokens["alice"]!)", body: Array(#"{"comment":"looks right"}"#.utf8))
        #expect(approved.status == 200, "\(String(decoding: approved.body, as: UTF8.self))")
        #expect((try json(approved) as? [String: Any])?["state"] as? String == "approved")
        #expect(decided.ids.withLock { $0 } == [setup.request.id])
        #expect(try setup.harness.latestRequest("db")?.decisions.first?.comment == "looks right")
        #expect(try setup.harness.auditLines().contains { $0.contains("\"actor\":\"alice\"") && $0.contains("looks right") })

        let again = setup.api.handle(method: "POST", path: path, authorization: "Bearer \(setup.tokens["alice"]!)", body: [])
        #expect(again.status == 409)
        let badBody = setup.api.handle(
            method: "POST", path: "/v1/approvals/\(setup.request.id)/reject", authorization: "Bearer \(setup.tokens["alice"]!)",
            body: Array("not json".utf8))
        #expect(badBody.status == 400)
        let unknown = setup.api.handle(
            method: "POST", path: "/v1/approvals/db~00000000/approve", authorization: "Bearer \(setup.tokens["alice"]!)", body: [])
        #expect(unknown.status == 404)
    }

    @Test func tokensFileRejectsCleartextTokens() throws {
        #expect(throws: ApprovalTokens.FormatError.self) { try ApprovalTokens(text: "tresor_abc alice") }
        #expect(throws: ApprovalTokens.FormatError.self) { try ApprovalTokens(text: "sha256:1234 alice") }
        let made = ApprovalTokens.make(identity: "alice")
        #expect(try ApprovalTokens(text: made.line).identity(forToken: made.token) == "alice")
        #expect(!made.line.contains(made.token))
    }

    /// JSONDecoder traps on text 512 levels deep: a client of the API must get a 400.
    @Test func aDecisionBodyNestedHundredsDeepIsABadRequestNotACrash() async throws {
        let setup = try await setup()
        defer { setup.harness.cleanUp() }
        let body = Array((#"{"comment":"# + String(repeating: "[", count: 512)).utf8)
        let response = setup.api.handle(
            method: "POST", path: "/v1/approvals/\(setup.request.id)/approve", authorization: "Bearer \(setup.tokens["alice"]!)",
            body: body)
        #expect(response.status == 400)
        #expect(try setup.harness.latestRequest("db")?.decisions.isEmpty == true)
    }
}
