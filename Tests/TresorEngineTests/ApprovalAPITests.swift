import Foundation
import Synchronization
import Testing
import TresorCore

@testable import TresorEngine

/// The approval API's authentication and decisions, apart from HTTP (the daemon's routes
/// are tested in `ApprovalRoutesTests`).
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

    /// The status a call answers with: 200, or its failure's (-1 for any other error).
    func status<T>(_ call: () throws -> T) -> Int {
        do {
            _ = try call()
            return 200
        } catch {
            return (error as? ApprovalAPI.Failure)?.statusCode ?? -1
        }
    }

    @Test func noTokenAndAWrongTokenAreUnauthorized() async throws {
        let setup = try await setup()
        defer { setup.harness.cleanUp() }
        #expect(status { try setup.api.identity(authorization: nil) } == 401)
        let wrong = "Bearer " + ApprovalTokens.make(identity: "alice").token
        #expect(status { try setup.api.identity(authorization: wrong) } == 401)
        // The hash itself is not a token.
        let hash = ApprovalTokens.line(token: setup.tokens["alice"]!, identity: "alice").split(separator: " ")[0]
        #expect(status { try setup.api.identity(authorization: "Bearer \(hash)") } == 401)
        #expect(status { try setup.api.identity(authorization: "Basic \(setup.tokens["alice"]!)") } == 401)
        #expect(try setup.api.identity(authorization: "bearer  \(setup.tokens["alice"]!)") == "alice")
    }

    @Test func aNonApproverIsForbiddenAndAnApproverDecides() async throws {
        let setup = try await setup()
        defer { setup.harness.cleanUp() }
        let id = setup.request.id
        #expect(status { try setup.api.decide(id: id, verdict: .approve, identity: "mallory", comment: nil) } == 403)
        #expect(try setup.harness.latestRequest("db")?.decisions.isEmpty == true)

        #expect(try setup.api.openRequests().map(\.id) == [id])
        let approved = try setup.api.decide(id: id, verdict: .approve, identity: "alice", comment: "looks right")
        #expect(approved.state == "approved")
        #expect(decided.ids.withLock { $0 } == [id])
        #expect(try setup.harness.latestRequest("db")?.decisions.first?.comment == "looks right")
        #expect(try setup.harness.auditLines().contains { $0.contains("\"actor\":\"alice\"") && $0.contains("looks right") })

        #expect(status { try setup.api.decide(id: id, verdict: .approve, identity: "alice", comment: nil) } == 409)
        #expect(status { try setup.api.decide(id: "db~00000000", verdict: .approve, identity: "alice", comment: nil) } == 404)
    }

    @Test func tokensFileRejectsCleartextTokens() throws {
        #expect(throws: ApprovalTokens.FormatError.self) { try ApprovalTokens(text: "tresor_abc alice") }
        #expect(throws: ApprovalTokens.FormatError.self) { try ApprovalTokens(text: "sha256:1234 alice") }
        let made = ApprovalTokens.make(identity: "alice")
        #expect(try ApprovalTokens(text: made.line).identity(forToken: made.token) == "alice")
        #expect(!made.line.contains(made.token))
    }

    /// JSONDecoder traps on text 512 levels deep: a client of the API must get a 400.
    @Test func aDecisionBodyThatIsNotACommentObjectIsABadRequestNotACrash() throws {
        #expect(try ApprovalAPI.comment(fromBody: Array(#"{"comment":"checked"}"#.utf8)) == "checked")
        #expect(try ApprovalAPI.comment(fromBody: []) == nil)
        #expect(status { try ApprovalAPI.comment(fromBody: Array("not json".utf8)) } == 400)
        #expect(status { try ApprovalAPI.comment(fromBody: Array((#"{"comment":"# + String(repeating: "[", count: 512)).utf8)) } == 400)
    }
}
