import Hummingbird

/// `/healthz` (the process answers), `/readyz` (the first full pass is done) and
/// `/metrics` (Prometheus text format).
public struct HealthRoutes: Sendable {
    public let health: DaemonHealth
    public let metrics: DaemonMetrics

    public init(health: DaemonHealth, metrics: DaemonMetrics) {
        self.health = health
        self.metrics = metrics
    }

    public func register(on router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in Self.text("ok\n") }
        router.get("/readyz") { [health] _, _ in
            health.isReady ? Self.text("ready\n") : Self.text("not ready: \(health.notReadyReason)\n", status: .serviceUnavailable)
        }
        router.get("/metrics") { [metrics, health] _, _ in
            // Read at each scrape: a replica's readiness follows its election, not one event.
            metrics.readiness(health.isReady)
            return Self.text(metrics.exposition(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
    }

    static func text(_ body: String, status: HTTPResponse.Status = .ok, contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(
            status: status, headers: [.contentType: contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
