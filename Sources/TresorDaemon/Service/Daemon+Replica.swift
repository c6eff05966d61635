import Hummingbird
import ServiceLifecycle
import TresorEngine
import TresorVaults

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
            // Decisions go to etcd, fenced by the lease like every write of the leader; a
            // standby lists the requests but sends deciders to the leader.
            let api = ApprovalAPI(
                service: ApprovalService(stateStore: try StateStore(root: configuration.stateDirectory, etcd: etcd)), tokens: approvalTokens,
                onDecision: { request in Task { await leading.withLock { $0 }?.requeue(request.secret) } },
                refusesDecisions: { Self.standbyRefusal(etcd: etcd, fence: fence) })
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

extension Daemon {
    /// Why a standby records no approval decision, naming the leader when etcd says who
    /// it is; nil on the leader.
    static func standbyRefusal(etcd: EtcdStateStore, fence: LeaderFence) -> String? {
        guard fence.current == nil else { return nil }
        let leader = ((try? etcd.client.get(etcd.leaderKey)) ?? nil).map { String(decoding: $0.value, as: UTF8.self) }
        return "this replica is a standby: only the leader records approval decisions; nothing was recorded. Send the decision "
            + "to the leader's endpoint" + (leader.map { " (the leader now is \($0))" } ?? " (no replica leads at the moment; try again shortly)")
    }
}
