import Hummingbird
import Logging
import ServiceLifecycle
import TresorEngine

/// `tresor run` assembled: the controller and the HTTP endpoint in one service group
/// that shuts down gracefully on SIGTERM and SIGINT.
public struct Daemon: Sendable {
    public var configuration: DaemonConfiguration
    public var host: String
    public var port: Int
    /// How long a graceful shutdown may take before in-flight work is cancelled.
    public var shutdownTimeout: Duration
    public var extraRoutes: [DaemonServer.RouteRegistration]
    /// Bearer tokens of the approval API (`--approval-tokens`); nil: the API is not served.
    public var approvalTokens: ApprovalTokens?
    /// `--tls-cert`/`--tls-key`; nil: plain HTTP.
    public var tls: ListenerTLS?
    public var logger: Logger

    public init(
        configuration: DaemonConfiguration, host: String, port: Int, shutdownTimeout: Duration = .seconds(30),
        extraRoutes: [DaemonServer.RouteRegistration] = [], approvalTokens: ApprovalTokens? = nil, tls: ListenerTLS? = nil,
        logger: Logger
    ) {
        self.configuration = configuration
        self.host = host
        self.port = port
        self.shutdownTimeout = shutdownTimeout
        self.extraRoutes = extraRoutes
        self.approvalTokens = approvalTokens
        self.tls = tls
        self.logger = logger
    }

    /// Runs until SIGTERM/SIGINT. Manifests that do not validate keep it unready (see
    /// ``DaemonService``); a sealed value that cannot be opened ends it.
    public func run(clock: DaemonClock = .system, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let metrics = DaemonMetrics()
        let health = DaemonHealth()
        if let etcd = configuration.etcd {
            return try await runReplica(etcd: etcd, clock: clock, metrics: metrics, health: health, onRunning: onRunning)
        }
        let slot = ControllerSlot()
        var store = try StateStore(root: configuration.stateDirectory)
        store.auditRotation = configuration.auditRotation
        var routes = extraRoutes
        if let approvalTokens {
            let api = ApprovalAPI(
                service: ApprovalService(stateStore: store), tokens: approvalTokens,
                onDecision: { request in Task { await slot.controller?.requeue(request.secret) } })
            routes.append { router in ApprovalRoutes(api: api).register(on: router) }
            // The store the controller uses is the same directory; the page reads labels from
            // the controller's desired state once there is one (none while manifests are invalid).
            let webUI = WebUI(api: api, store: store, desired: { await slot.controller?.desiredState }, secure: tls != nil)
            routes.append { router in webUI.register(on: router) }
            routes.append { router in ReconcileRoutes(tokens: approvalTokens, slot: slot, health: health).register(on: router) }
        }
        let server = try DaemonServer.application(
            host: host, port: port, routes: HealthRoutes(health: health, metrics: metrics), extraRoutes: routes, tls: tls,
            logger: logger, onRunning: onRunning)
        var group = ServiceGroupConfiguration(
            services: [
                // Shut down in reverse: the controller finishes its in-flight passes while
                // the endpoint still answers.
                .init(service: server),
                .init(
                    service: DaemonService(
                        configuration: configuration, health: health, metrics: metrics, logger: logger, slot: slot
                    ) { [configuration, logger] in
                        try DaemonController(configuration: configuration, clock: clock, metrics: metrics, health: health, logger: logger)
                    }),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        group.maximumGracefulShutdownDuration = shutdownTimeout
        try await ServiceGroup(configuration: group).run()
    }
}
