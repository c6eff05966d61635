import Hummingbird
import ServiceLifecycle
import TresorEngine

extension Daemon {
    /// One replica of several on etcd: the endpoint always, the controller while leading.
    func runReplica(
        etcd: EtcdStateStore, clock: DaemonClock, metrics: DaemonMetrics, health: DaemonHealth,
        onRunning: @escaping @Sendable (Int) async -> Void
    ) async throws {
        guard let fence = etcd.fence else {
            throw FencedError(description: "a replica on etcd needs a leader fence on its store")
        }
        var routes = extraRoutes
        let leading = LockedBox<DaemonController?>(nil)
        if let approvalTokens {
            // Decisions go to this machine's approval files (not to etcd, and not fenced):
            // send approvers to the leader's endpoint.
            let api = ApprovalAPI(
                service: ApprovalService(stateStore: try StateStore(root: configuration.stateDirectory, etcd: etcd)), tokens: approvalTokens,
                onDecision: { request in Task { await leading.withLock { $0 }?.requeue(request.secret) } })
            routes.append { router in ApprovalRoutes(api: api).register(on: router) }
        }
        let server = try DaemonServer.application(
            host: host, port: port, routes: HealthRoutes(health: health, metrics: metrics), extraRoutes: routes, tls: tls,
            logger: logger, onRunning: onRunning)
        let replica = LeaderService(
            configuration: configuration, store: etcd, fence: fence, clock: clock, metrics: metrics, health: health, logger: logger,
            onController: { controller in leading.withLock { $0 = controller } })
        var group = ServiceGroupConfiguration(
            services: [.init(service: server), .init(service: replica)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = shutdownTimeout
        try await ServiceGroup(configuration: group).run()
    }
}
