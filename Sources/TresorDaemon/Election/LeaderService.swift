import Foundation
import Logging
import ServiceLifecycle
import TresorEngine

/// `tresor run` as one replica of several sharing state in etcd: campaigns for
/// leadership, and only while it leads runs a ``DaemonController`` (made afresh each time,
/// so it starts from what etcd holds then, not from what this replica saw before). On
/// losing the lease it stops taking work; in-flight passes meet the fence and are
/// abandoned to the next leader, which re-observes them.
///
/// Readiness: a standby is ready while etcd answers it; a leader once its first full pass
/// is done; neither while etcd does not answer (no quorum).
struct LeaderService: Service {
    let configuration: DaemonConfiguration
    let store: EtcdStateStore
    let fence: LeaderFence
    let clock: DaemonClock
    let metrics: DaemonMetrics
    let health: DaemonHealth
    let logger: Logger
    /// Reports each controller as it starts, for the approval API's requeue.
    let onController: @Sendable (DaemonController?) async -> Void

    func run() async throws {
        let (roles, continuation) = AsyncStream.makeStream(of: LeaderElection.Role.self)
        let identity = "\(ProcessInfo.processInfo.hostName):\(getpid())"
        let election = LeaderElection(
            store: store, fence: fence, ttl: configuration.leaseTTL, identity: identity, logger: logger,
            onChange: { [metrics] role in
                metrics.leader(role == .leader, transition: true)
                continuation.yield(role)
            })
        metrics.leader(false, transition: false)
        let campaign = Task { await election.run() }
        let current = LockedBox<DaemonController?>(nil)
        let controllerHealth = LockedBox<DaemonHealth?>(nil)
        let endpoints = store.location
        health.setProbe {
            guard election.isHealthy else { return "etcd does not answer this replica (\(endpoints)); no quorum, or no route to it" }
            guard election.role == .leader else { return nil }
            guard let leading = controllerHealth.withLock({ $0 }) else { return "leading: starting" }
            return leading.isReady ? nil : "leading: " + leading.notReadyReason
        }
        defer { campaign.cancel() }
        await withGracefulShutdownHandler {
            for await role in roles {
                if let previous = current.withLock({ $0 }) {
                    await previous.stop()
                    await previous.waitForWorkers()
                    current.withLock { $0 = nil }
                    controllerHealth.withLock { $0 = nil }
                    await onController(nil)
                }
                guard role == .leader, !Task.isCancelled else { continue }
                do {
                    let leading = DaemonHealth()
                    let controller = try DaemonController(
                        configuration: configuration, clock: clock, metrics: metrics, health: leading, logger: logger)
                    current.withLock { $0 = controller }
                    controllerHealth.withLock { $0 = leading }
                    await onController(controller)
                    try await controller.start()
                } catch {
                    // A lapsed fence or an unreachable etcd fails the start; the next
                    // leadership starts again.
                    logger.error("cannot start leading", metadata: ["error": "\(error)"])
                }
            }
        } onGracefulShutdown: {
            continuation.finish()
        }
        if let last = current.withLock({ $0 }) {
            await last.stop()
            await last.waitForWorkers()
        }
        campaign.cancel()
        await campaign.value
    }
}
