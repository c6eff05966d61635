import Foundation
import Synchronization
import Testing
import TresorCore
import TresorEngine
import TresorVaults
import TresorTestSupport

/// Approvers deciding on one request in etcd at the same moment: each decision is a txn
/// on the revision read, so all but one lose the compare; each loser reads the request
/// again and decides on what it holds now, and no decision is lost.
extension LeaderFenceTests {
    /// Threads held until all have arrived, then let go together.
    final class StartLine: Sendable {
        let arrived = Mutex(0)
        let count: Int
        init(count: Int) { self.count = count }
        func wait() {
            arrived.withLock { $0 += 1 }
            while arrived.withLock({ $0 }) < count { usleep(50) }
        }
    }

    /// A request of `gated` waiting for `approvers`, opened by `tresor apply` on etcd.
    func openRequest(prefix: String, approvers: [String], required: Int? = nil) async throws -> String {
        let directory = FileManager.default.temporaryDirectory.path + "/tresor-decisions-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory + "/m", withIntermediateDirectories: true)
        try """
        apiVersion: tresor.dev/v1alpha1
        kind: ApprovalProfile
        metadata: {name: review}
        spec: {requiredApprovals: \(required ?? approvers.count), approvers: [\(approvers.joined(separator: ", "))], cliIdentity: declared}
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: reviewed}
        spec: {provider: {local: {path: \(directory)/vault, keyFile: \(directory)/vault.key}}, approvalProfile: review}
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: Secret
        metadata: {name: gated}
        spec: {type: apiKey, vaultProfile: reviewed, allowInlineValues: true, content: {content: "decision-value-7Tk"}}

        """.write(toFile: directory + "/m/all.yaml", atomically: true, encoding: .utf8)
        let applied = try await runToEnd(
            DaemonProcess.binary,
            ["apply", "-f", directory + "/m", "--as", "requester", "--state-dir", directory + "/state", "--etcd-endpoints", cluster.endpoints, "--etcd-prefix", prefix],
            environment: ProcessInfo.processInfo.environment, directory: directory)
        #expect(applied.status == 3, "\(applied.stdout)\(applied.stderr)")
        return directory
    }

    /// Each decision made by a service of its own (its own client, nothing shared in
    /// memory, as separate processes), all let go at once; why each failed, nil if it did not.
    func decideAtOnce(prefix: String, _ decisions: [(String, ApprovalDecision.Verdict)]) async throws -> [(String, String?)] {
        let start = StartLine(count: decisions.count)
        return try await withThrowingTaskGroup(of: (String, String?).self) { group in
            for (identity, verdict) in decisions {
                let service = ApprovalService(stateStore: store(prefix))
                group.addTask {
                    try await offloaded {
                        start.wait()
                        do {
                            _ = try service.decide(
                                secret: "gated", requestID: nil, verdict: verdict, identity: identity, comment: nil, now: Date(), declared: true)
                            return (identity, nil)
                        } catch {
                            return (identity, "\(error)")
                        }
                    }
                }
            }
            return try await group.reduce(into: [(String, String?)]()) { $0.append($1) }
        }
    }

    @Test func approversDecidingAtOnceHaveEveryDecisionRecorded() async throws {
        let prefix = "/decisions-" + UUID().uuidString.lowercased()
        let approvers = ["ann", "ben", "cat", "dan", "eve", "fay"]
        let directory = try await openRequest(prefix: prefix, approvers: approvers)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let failures = try await decideAtOnce(prefix: prefix, approvers.map { ($0, .approve) }).compactMap(\.1)
        #expect(failures.isEmpty, "decisions lost to a collision: \(failures)")
        let shared = store(prefix)
        let request = try #require(try await offloaded { try ApprovalService(stateStore: shared).store.read("gated").latest })
        #expect(Set(request.approvals) == Set(approvers), "recorded: \(request.approvals)")
        #expect(request.state == .approved)
        let reader = try #require(shared.etcd)
        let events = try await offloaded { EventLog.read(shared) }
        for approver in approvers { #expect(events.filter { $0.actor == approver }.count == 1, "\(approver)'s decision on record once") }
        #expect(try await offloaded { try AuditChain.verify(in: reader) }.problem == nil)
    }

    @Test func aDecisionThatNoLongerAppliesAfterACollisionIsRefusedClearly() async throws {
        let prefix = "/decisions-late-" + UUID().uuidString.lowercased()
        let directory = try await openRequest(prefix: prefix, approvers: ["ann", "ben"], required: 1)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Either rejection closes the request; the one that races it finds it closed.
        let results = try await decideAtOnce(prefix: prefix, [("ann", .reject), ("ben", .reject)])
        let failures = results.compactMap(\.1)
        #expect(failures.count == 1, "\(results)")
        #expect(!failures.contains { $0.contains("changed in etcd") }, "a collision was reported instead of the decision: \(failures)")
        #expect(failures.allSatisfy { $0.contains("already rejected") }, "\(failures)")
    }
}
