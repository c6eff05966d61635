import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TresorCore
import TresorEngine
import TresorTestSupport

@testable import TresorDaemon

/// The approval API's routes on Hummingbird's router, driven through HummingbirdTesting
/// (no socket: what is tested is routing, authentication, bodies and statuses).
@Suite struct ApprovalRoutesTests {
    struct Setup {
        let directory: String
        let app: Application<RouterResponder<BasicRequestContext>>
        let tokens: [String: String]
        let id: String
        let store: ApprovalStore
    }

    /// A state directory holding one pending request of `db` that alice or bob may decide.
    func setup() throws -> Setup {
        let directory = FileManager.default.temporaryDirectory.path + "/tresor-routes-" + UUID().uuidString
        let state = try StateStore(root: directory)
        let service = ApprovalService(stateStore: state)
        // The approvals key first, as an apply makes it: approval files without one are refused.
        _ = try state.approvalSeal()
        let id = "db~0a1b2c3d"
        // A pending request as an apply records it (no decision yet, so nothing to seal).
        let file = """
            requests:
              - state: pending
                createdAt: "2026-12-07T09:00:00.000Z"
                binding:
                  sourceProfile: main
                  targets: ["main:db"]
                  generatedFields: []
                  generation: g1
                  operation: update
                decisions: []
                id: "\(id)"
                policy: {allowSelfApproval: false, approvers: [alice, bob], profile: review, requiredApprovals: 1}
                requester: carol
                secret: db
            """
        try FileManager.default.createDirectory(atPath: directory + "/approvals", withIntermediateDirectories: true)
        try file.write(toFile: service.store.path("db"), atomically: true, encoding: .utf8)
        #expect(try service.store.read("db").latest?.id == id)
        var lines: [String] = []
        var tokens: [String: String] = [:]
        for identity in ["alice", "mallory"] {
            let made = ApprovalTokens.make(identity: identity)
            tokens[identity] = made.token
            lines.append(made.line)
        }
        let router = Router()
        ApprovalRoutes(api: ApprovalAPI(service: service, tokens: try ApprovalTokens(text: lines.joined(separator: "\n")))).register(on: router)
        return Setup(directory: directory, app: Application(router: router), tokens: tokens, id: id, store: service.store)
    }

    func bearer(_ token: String?) -> HTTPFields {
        token.map { [.authorization: "Bearer \($0)"] } ?? [:]
    }

    @Test func everyRouteNeedsATokenOfTheTokensFile() async throws {
        let setup = try setup()
        defer { try? FileManager.default.removeItem(atPath: setup.directory) }
        try await setup.app.test(.router) { client in
            for token in [nil, "not-a-token", ApprovalTokens.make(identity: "alice").token] {
                try await client.execute(uri: "/v1/approvals", method: .get, headers: bearer(token)) { response in
                    #expect(response.status == .unauthorized)
                    #expect(String(buffer: response.body).contains("\"error\":\"missing or unknown bearer token"))
                }
                try await client.execute(uri: "/v1/approvals/\(setup.id)/approve", method: .post, headers: bearer(token)) { response in
                    #expect(response.status == .unauthorized)
                }
            }
        }
        #expect(try setup.store.read("db").latest?.decisions.isEmpty == true)
    }

    @Test func anApproverDecidesOnceAndEveryRefusalHasItsStatus() async throws {
        let setup = try setup()
        defer { try? FileManager.default.removeItem(atPath: setup.directory) }
        let alice = bearer(setup.tokens["alice"])
        try await setup.app.test(.router) { client in
            try await client.execute(uri: "/v1/approvals", method: .get, headers: alice) { response in
                #expect(response.status == .ok)
                let list = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]]
                #expect(list?.map { $0["id"] as? String } == [setup.id])
            }
            try await client.execute(uri: "/v1/approvals/\(setup.id)/approve", method: .post, headers: bearer(setup.tokens["mallory"])) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(
                uri: "/v1/approvals/\(setup.id)/reject", method: .post, headers: alice, body: ByteBuffer(string: "not json")
            ) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/v1/approvals/db~00000000/approve", method: .post, headers: alice) {
                #expect($0.status == .notFound)
            }
            // The id percent-encoded, as clients send `~`.
            let encoded = setup.id.replacingOccurrences(of: "~", with: "%7E")
            try await client.execute(
                uri: "/v1/approvals/\(encoded)/approve", method: .post, headers: alice, body: ByteBuffer(string: #"{"comment":"looks right"}"#)
            ) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(String(buffer: response.body).contains("\"state\":\"approved\""))
            }
            try await client.execute(uri: "/v1/approvals/\(setup.id)/approve", method: .post, headers: alice) {
                #expect($0.status == .conflict)
            }
        }
        let decisions = try setup.store.read("db").latest?.decisions ?? []
        #expect(decisions.map(\.identity) == ["alice"])
        #expect(decisions.first?.comment == "looks right")
    }
}
