import Foundation
import Testing
import TresorCore
import TresorEngine
import TresorVaults
import TresorTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A leader on a three-member etcd cluster of its own that loses one member, then
/// quorum, then gets it back (with a real OpenBao as the vault).
@Suite(.openBaoDevServer, .serialized, .enabled(if: OpenBaoDevServer.enabled && EtcdCluster.enabled))
struct EtcdQuorumTests {
    var bao: OpenBaoDevServer { OpenBaoDevServer.current! }

    @Test func oneMemberLostChangesNothingAndQuorumLostStopsTheLeaderUntilItIsBack() async throws {
        let cluster = try await EtcdCluster.start()
        // A lease long enough that the raft election after a member's loss (slow on a busy
        // machine) ends well before the leader's renewal deadline (two thirds of it).
        let replicas = try Replicas(cluster: cluster, bao: bao, secrets: 20, leaseTTL: 15)
        var daemon: DaemonProcess?
        do {
            let leader = try replicas.start()
            daemon = leader
            try await eventually("the replica to lead", timeout: .seconds(120)) { try await Replicas.leads(leader) }
            try await leader.waitUntilReady()
            try await eventually("the first apply") { try await replicas.statusCount() == 20 }

            // One member down: the leader keeps its lease and goes on writing.
            let transitions = try await leader.metrics().value("tresor_leader_transitions_total")
            await cluster.kill(0)
            try leader.write(manifests(replicas, changing: [0]), to: "secrets.yaml")
            try await eventually("the edit to reach the vault with one member down", timeout: .seconds(120)) {
                try await bao.password(replicas.manifests, Replicas.name(0)) == "pw-quorum-0-Hd5"
            }
            #expect(try await Replicas.leads(leader))
            #expect(try await leader.metrics().value("tresor_leader_transitions_total") == transitions, "leadership was interrupted")
            #expect(try await leader.get("/readyz").status == 200)

            // Two down: no quorum. The leader stands down and is not ready.
            await cluster.kill(1)
            try await eventually("the leader to stand down without quorum", timeout: .seconds(120)) {
                let metrics = try await leader.metrics()
                return try metrics.value("tresor_leader") == 0 && metrics.value("tresor_leader_transitions_total") > transitions
            }
            try await eventually("/readyz to turn false", timeout: .seconds(60)) { try await leader.get("/readyz").status == 503 }
            #expect(try await leader.get("/readyz").body.contains("etcd does not answer this replica"), "the reason names etcd")
            #expect(try await leader.metrics().value("tresor_ready") == 0, "tresor_ready follows /readyz")
            try leader.write(manifests(replicas, changing: [0, 1]), to: "secrets.yaml")
            let versions = try await replicas.vaultVersions()
            #expect(versions[Replicas.name(1)] == 1, "a write went out without quorum")

            // Quorum back: it leads again and converges, nothing lost.
            try cluster.startMember(0)
            try cluster.startMember(1)
            try await cluster.waitForQuorum()
            try await eventually("the replica to lead again", timeout: .seconds(120)) { try await Replicas.leads(leader) }
            try await leader.waitUntilReady(timeout: .seconds(120))
            #expect(try await leader.metrics().value("tresor_ready") == 1)
            try await eventually("the edit made without quorum to reach the vault", timeout: .seconds(120)) {
                try await bao.password(replicas.manifests, Replicas.name(1)) == "pw-quorum-1-Hd5"
            }
            let after = try await replicas.vaultVersions()
            #expect(after.count == 20)
            #expect(after[Replicas.name(0)] == 2 && after[Replicas.name(1)] == 2)
            #expect(after.filter { $0.key != Replicas.name(0) && $0.key != Replicas.name(1) }.values.allSatisfy { $0 == 1 })
            let statuses = try await offloaded { try replicas.store.allStatuses() }
            #expect(statuses.count == 20)
            #expect(statuses.first { $0.name == Replicas.name(1) }?.versions.map(\.number) == [1, 2])
        } catch {
            if let daemon { Issue.record("replica log:\n\(daemon.log.suffix(4000))") }
            await daemon?.kill9()
            await cluster.stop()
            throw error
        }
        await daemon?.kill9()
        await cluster.stop()
        if let daemon { try? FileManager.default.removeItem(atPath: daemon.directory) }
    }

    /// The replicas' manifests with the passwords of `changing` edited.
    func manifests(_ replicas: Replicas, changing: Set<Int>) -> String {
        (0..<replicas.secrets).map { index in
            replicas.manifests.secret(
                Replicas.name(index), password: changing.contains(index) ? "pw-quorum-\(index)-Hd5" : Replicas.password(index))
        }.joined()
    }
}
