import Foundation
import Testing
import TresorCore
import TresorEngine
import TresorVaults
import TresorTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `tresor suspend` and `resume` run on one machine (the standby's workspace) hold for the
/// leader on another: the suspension is kept in etcd with the rest of the state.
extension HighAvailabilityTests {
    /// `tresor` run to its end in `daemon`'s workspace, on the replicas' etcd prefix.
    func tresor(_ arguments: [String], on daemon: DaemonProcess, _ replicas: Replicas) async throws -> ProcessOutput {
        try await runToEnd(
            DaemonProcess.binary,
            arguments + ["--state-dir", daemon.state, "--etcd-endpoints", cluster.endpoints, "--etcd-prefix", replicas.prefix],
            environment: ProcessInfo.processInfo.environment, directory: daemon.directory)
    }

    @Test func aSuspensionMadeOnTheStandbysMachineIsHonouredByTheLeader() async throws {
        let replicas = try Replicas(cluster: cluster, bao: bao, secrets: 3)
        try await withReplicas(replicas, count: 2) { daemons in
            let index = try await leader(of: daemons)
            let leader = daemons[index]
            let standby = daemons[1 - index]
            try await leader.waitUntilReady()
            try await eventually("the leader to converge") { try await replicas.statusCount() == 3 }
            let name = Replicas.name(1)

            let suspended = try await tresor(["suspend", name, "--reason", "incident 7"], on: standby, replicas)
            #expect(suspended.status == 0, "\(suspended.stderr)")
            // An edit of the leader's manifests: the leader would write it if it did not see the suspension.
            var text = ""
            for secret in 0..<3 {
                text += replicas.manifests.secret(Replicas.name(secret), password: Replicas.password(secret, variant: secret == 1 ? "edited-" : ""))
            }
            try leader.write(text, to: "secrets.yaml")
            try await eventually("the leader to leave the suspended secret alone", timeout: .seconds(120)) {
                leader.log.contains("suspended; left alone") && leader.log.contains(name)
            }
            #expect(try await bao.currentVersion(replicas.manifests, name) == 1, "the leader wrote a suspended secret")
            let described = try await tresor(["describe", "secret", name], on: leader, replicas)
            #expect(described.stdout.contains("Suspended:") && described.stdout.contains("incident 7"), "\(described.stdout)")
            #expect(!FileManager.default.fileExists(atPath: standby.state + "/suspended.json"), "the suspension was kept on a machine")

            let resumed = try await tresor(["resume", name], on: standby, replicas)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            try await eventually("the leader to write the edit once the secret is resumed", timeout: .seconds(120)) {
                try await bao.currentVersion(replicas.manifests, name) == 2
            }
            #expect(try await bao.password(replicas.manifests, name) == Replicas.password(1, variant: "edited-"))
            for daemon in daemons { #expect(!daemon.log.contains(Replicas.password(1, variant: "edited-")), "a replica logged a value") }
        }
    }
}
