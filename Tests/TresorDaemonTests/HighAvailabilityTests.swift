import Foundation
import Testing
import TresorCore
import TresorEngine
import TresorVaults
import TresorTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `tresor run` replicas (the built binary) on a real three-member etcd cluster with a
/// real OpenBao as the vault: one leader, failover on SIGKILL, fencing of a paused
/// leader, and quorum loss.
@Suite(.openBaoDevServer, .etcdCluster, .serialized, .enabled(if: OpenBaoDevServer.enabled && EtcdCluster.enabled))
struct HighAvailabilityTests {
    var bao: OpenBaoDevServer { OpenBaoDevServer.current! }
    var cluster: EtcdCluster { EtcdCluster.current! }

    /// Runs `body` with started replicas, killing them whatever happens.
    func withReplicas(
        _ replicas: Replicas, count: Int, _ body: ([DaemonProcess]) async throws -> Void
    ) async throws {
        var daemons: [DaemonProcess] = []
        do {
            for _ in 0..<count { daemons.append(try replicas.start()) }
            try await body(daemons)
        } catch {
            for (index, daemon) in daemons.enumerated() {
                kill(daemon.pid, SIGCONT)
                Issue.record("replica \(index) log:\n\(daemon.log.suffix(3000))")
            }
            for daemon in daemons { await daemon.kill9() }
            throw error
        }
        for daemon in daemons {
            kill(daemon.pid, SIGCONT)
            await daemon.kill9()
            try? FileManager.default.removeItem(atPath: daemon.directory)
        }
    }

    /// Waits until exactly one of `daemons` reports itself leader; returns its index.
    func leader(of daemons: [DaemonProcess], timeout: Duration = .seconds(120)) async throws -> Int {
        try await eventually("exactly one leader", timeout: timeout) {
            var leading = 0
            for daemon in daemons where try await Replicas.leads(daemon) { leading += 1 }
            return leading == 1
        }
        for (index, daemon) in daemons.enumerated() where try await Replicas.leads(daemon) { return index }
        throw CommandFailed(description: "the leader went away while it was looked up")
    }

    @Test func twoReplicasOnTheSameManifestsHaveExactlyOneLeader() async throws {
        let replicas = try Replicas(cluster: cluster, bao: bao, secrets: 5)
        try await withReplicas(replicas, count: 2) { daemons in
            let index = try await leader(of: daemons)
            let standby = daemons[1 - index]
            try await daemons[index].waitUntilReady()
            try await standby.waitUntilReady()
            try await eventually("the leader to converge") { try await replicas.statusCount() == 5 }
            let versions = try await replicas.vaultVersions()
            #expect(versions.count == 5 && versions.values.allSatisfy { $0 == 1 })
            // Still one leader once both have settled, and the standby counts no transition.
            #expect(try await Replicas.leads(daemons[index]))
            #expect(try await !Replicas.leads(standby))
            #expect(try await standby.metrics().value("tresor_leader_transitions_total") == 0)
            #expect(try await daemons[index].metrics().value("tresor_leader_transitions_total") == 1)
            for index in 0..<5 {
                let password = Replicas.password(index)
                for daemon in daemons { #expect(!daemon.log.contains(password), "a replica logged a secret value") }
            }
        }
    }

    @Test func killingTheLeaderMidApplyLetsTheStandbyFinishWithEverySecretAtVersionOne() async throws {
        let replicas = try Replicas(cluster: cluster, bao: bao, secrets: 1000)
        try await withReplicas(replicas, count: 2) { daemons in
            let index = try await leader(of: daemons)
            let standby = daemons[1 - index]
            try await eventually("the first apply to be under way", timeout: .seconds(300)) { try await replicas.statusCount() >= 100 }
            let written = try await replicas.statusCount()
            #expect(written < 1000, "the leader finished before it could be killed in the middle; nothing was tested")
            let killedAt = ContinuousClock.now
            kill(daemons[index].pid, SIGKILL)
            try await eventually("the standby to lead", timeout: .seconds(120)) { try await Replicas.leads(standby) }
            let takeover = ContinuousClock.now - killedAt
            #expect(takeover < .seconds(replicas.leaseTTL + 5), "the standby led \(takeover) after the kill")
            try await eventually("the new leader to finish the apply", timeout: .seconds(600)) { try await replicas.statusCount() == 1000 }
            try await standby.waitUntilReady(timeout: .seconds(600))
            let statuses = try await offloaded { try replicas.store.allStatuses() }
            #expect(statuses.count == 1000)
            let badStatuses = statuses.filter { $0.state != .active || $0.versions.map(\.number) != [1] }
            #expect(badStatuses.isEmpty, "not at exactly version 1: \(badStatuses.prefix(5).map(\.name))")
            let versions = try await replicas.vaultVersions()
            #expect(versions.count == 1000)
            let badVersions = versions.filter { $0.value != 1 }
            #expect(badVersions.isEmpty, "OpenBao versions other than 1: \(badVersions.prefix(5))")
        }
    }

    /// The paused leader reaches OpenBao through a gate that is shut while it is paused,
    /// so passes are in flight when it wakes; its manifests hold other passwords than the
    /// standby's, so each of those passes, finding the standby's content, would write.
    @Test func aPausedLeaderWritesNothingAfterItsLeaseExpired() async throws {
        let gate = try await GateProxy.start(upstream: bao.address, passing: 1_000_000)
        let replicas = try Replicas(cluster: cluster, bao: bao, secrets: 300)
        var daemons: [DaemonProcess] = []
        do {
            let paused = try replicas.start(address: gate.address, variant: "paused-")
            daemons.append(paused)
            try await eventually("the first replica to lead", timeout: .seconds(120)) { try await Replicas.leads(paused) }
            let standby = try replicas.start()
            daemons.append(standby)
            try await eventually("the first apply to be under way", timeout: .seconds(300)) { try await replicas.statusCount() >= 30 }
            try await gate.close()
            try await eventually("a pass of the leader to be held at the gate") { try await gate.held() >= 1 }
            kill(paused.pid, SIGSTOP)

            try await eventually("the standby to lead", timeout: .seconds(120)) { try await Replicas.leads(standby) }
            try await standby.waitUntilReady(timeout: .seconds(600))
            let revisions = try await replicas.statusRevisions()
            let versions = try await replicas.vaultVersions()
            #expect(revisions.count == 300 && versions.count == 300)

            kill(paused.pid, SIGCONT)
            try await eventually("the woken replica to stand by", timeout: .seconds(120)) {
                let metrics = try await paused.metrics()
                return try metrics.value("tresor_leader") == 0 && metrics.value("tresor_leader_transitions_total") == 2
            }
            // Its held passes go on now, and its controller stops once they have ended.
            try await gate.open()
            try await eventually("the woken replica's passes to end", timeout: .seconds(120)) {
                paused.log.contains("[TresorDaemon] stopped")
            }
            #expect(paused.log.contains("not the leader"), "no pass of the woken replica met the fence; nothing was tested")
            #expect(try await Replicas.leads(standby))
            #expect(try await replicas.vaultVersions() == versions, "the deposed leader wrote to OpenBao")
            #expect(try await replicas.statusRevisions() == revisions, "the deposed leader wrote to etcd")
            for index in [0, 150, 299] {
                #expect(try await bao.password(replicas.manifests, Replicas.name(index)) == Replicas.password(index))
            }
        } catch {
            for daemon in daemons { kill(daemon.pid, SIGCONT) }
            for (index, daemon) in daemons.enumerated() { Issue.record("replica \(index) log:\n\(daemon.log.suffix(3000))") }
            for daemon in daemons { await daemon.kill9() }
            await gate.stop()
            throw error
        }
        for daemon in daemons {
            await daemon.kill9()
            try? FileManager.default.removeItem(atPath: daemon.directory)
        }
        await gate.stop()
    }
}
