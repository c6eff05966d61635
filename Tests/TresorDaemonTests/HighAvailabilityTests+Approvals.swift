import Foundation
import Testing
import TresorCore
import TresorEngine
import TresorVaults
import TresorTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The approval API of two `tresor run` replicas (on the suite's etcd cluster and OpenBao):
/// both list the requests kept in etcd, only the leader records a decision (a standby
/// answers 503 naming the leader), and the decision lands in the shared audit chain.
extension HighAvailabilityTests {
    static let http = CurlHTTPClient()

    /// A vault profile on OpenBao whose one secret, `held`, waits for alice's approval.
    func gated(_ replicas: Replicas) -> String {
        TestManifests.approvalProfile(required: 1, approvers: ["alice"]) + """
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: gated}
        spec:
          approvalProfile: review
          provider:
            hashicorp:
              address: \(bao.address)
              mount: secret
              pathPrefix: \(replicas.manifests.prefix)-gated
              auth: {token: {fromEnv: BAO_TEST_TOKEN}}
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: Secret
        metadata: {name: held}
        spec:
          type: basicAuth
          vaultProfile: gated
          allowInlineValues: true
          content: {username: app, password: "pw-held-by-approval-Zr4"}

        """
    }

    func call(_ method: String, _ daemon: DaemonProcess, _ path: String, token: String) async throws -> (status: Int, body: String) {
        let response = try await Self.http.send(
            HTTPRequest(
                method: method, url: "http://127.0.0.1:\(daemon.port)\(path)", headers: [(name: "Authorization", value: "Bearer \(token)")],
                body: method == "POST" ? [] : nil), tls: TLSOptions())
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    func openIDs(_ daemon: DaemonProcess, token: String) async throws -> [String] {
        let (status, body) = try await call("GET", daemon, "/v1/approvals", token: token)
        guard status == 200, let list = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]] else { return [] }
        return list.compactMap { $0["id"] as? String }
    }

    /// OpenBao's current version of `held`, nil while it is not written.
    func heldVersion(_ replicas: Replicas) async throws -> Int? {
        let response = try await Self.http.send(
            HTTPRequest(
                method: "GET", url: "\(bao.address)/v1/secret/metadata/\(replicas.manifests.prefix)-gated/held",
                headers: [("X-Vault-Token", bao.rootToken)]), tls: TLSOptions())
        guard response.status == 200 else { return nil }
        let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        return (json?["data"] as? [String: Any])?["current_version"] as? Int
    }

    @Test func aStandbyListsTheLeadersRequestsButRefusesADecisionAndOnlyTheLeaderRecordsIt() async throws {
        let replicas = try Replicas(cluster: cluster, bao: bao, secrets: 2)
        let alice = ApprovalTokens.make(identity: "alice")
        let tokens = FileManager.default.temporaryDirectory.path + "/tresor-replica-tokens-" + UUID().uuidString
        try (alice.line + "\n").write(toFile: tokens, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: tokens) }
        var daemons: [DaemonProcess] = []
        do {
            for _ in 0..<2 { daemons.append(try replicas.start(extraManifests: gated(replicas), arguments: ["--approval-tokens", tokens])) }
            let started = daemons
            try await eventually("one replica to lead", timeout: .seconds(120)) {
                var leading = 0
                for daemon in started where try await Replicas.leads(daemon) { leading += 1 }
                return leading == 1
            }
            let leader = try await Replicas.leads(daemons[0]) ? daemons[0] : daemons[1]
            let standby = leader === daemons[0] ? daemons[1] : daemons[0]

            // The request the leader opened is in etcd: the standby lists it too.
            try await eventually("the standby to list the leader's request", timeout: .seconds(120)) {
                try await openIDs(standby, token: alice.token).count == 1
            }
            let id = try #require(try await openIDs(standby, token: alice.token).first)
            #expect(try await openIDs(leader, token: alice.token) == [id])
            let approve = "/v1/approvals/\(id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id)/approve"

            let refused = try await call("POST", standby, approve, token: alice.token)
            #expect(refused.status == 503, "\(refused.body)")
            #expect(refused.body.contains("standby") && refused.body.contains("leader"), "\(refused.body)")
            #expect(try await openIDs(leader, token: alice.token) == [id], "the standby's refusal recorded nothing")
            #expect(try await heldVersion(replicas) == nil, "nothing written before an approval")

            let accepted = try await call("POST", leader, approve, token: alice.token)
            #expect(accepted.status == 200, "\(accepted.body)")
            try await eventually("the approved secret in OpenBao", timeout: .seconds(120)) { try await heldVersion(replicas) == 1 }
            // The leader marks the request performed once its vault write is recorded.
            try await eventually("the standby to see the decision the leader recorded", timeout: .seconds(120)) {
                try await openIDs(standby, token: alice.token).isEmpty
            }

            // One chain in etcd, holding alice's decision, and the same for every reader
            // (once the leader has appended the pass's last lines).
            let store = try #require(replicas.store.etcd)
            try await eventually("every event on one whole chain", timeout: .seconds(120)) {
                let check = try await offloaded { try AuditChain.verify(in: store) }
                let events = try await offloaded { EventLog.read(replicas.store) }
                return check.problem == nil && check.lines == events.count
            }
            let check = try await offloaded { try AuditChain.verify(in: store) }
            #expect(check.problem == nil, "\(check.problem ?? "")")
            let events = try await offloaded { EventLog.read(replicas.store) }
            #expect(events.contains { $0.actor == "alice" && $0.secret == "held" })
            for daemon in daemons {
                #expect(!FileManager.default.fileExists(atPath: daemon.state + "/approvals"), "approval files on a machine")
                #expect(!FileManager.default.fileExists(atPath: daemon.state + "/audit.log"), "an audit log on a machine")
                #expect(!daemon.log.contains("pw-held-by-approval-Zr4") && !daemon.log.contains(alice.token), "a value or token logged")
            }
        } catch {
            for daemon in daemons { Issue.record("replica log:\n\(daemon.log.suffix(3000))") }
            for daemon in daemons { await daemon.kill9() }
            throw error
        }
        for daemon in daemons {
            await daemon.kill9()
            try? FileManager.default.removeItem(atPath: daemon.directory)
        }
    }
}
