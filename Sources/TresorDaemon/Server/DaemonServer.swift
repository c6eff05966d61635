import Hummingbird
import HummingbirdTLS
import Logging

/// The daemon's HTTP endpoint. Other features mount their routes through
/// `extraRoutes` (e.g. the approval API), without touching this file.
///
/// ```swift
/// let app = try DaemonServer.application(
///     host: "127.0.0.1", port: 9464, routes: HealthRoutes(health: health, metrics: metrics),
///     extraRoutes: [{ router in ApprovalRoutes(...).register(on: router) }], logger: logger)
/// ```
public enum DaemonServer {
    public typealias RouteRegistration = @Sendable (Router<BasicRequestContext>) -> Void

    /// - Parameters:
    ///   - tls: serve HTTPS with this certificate and key; nil serves plain HTTP.
    ///   - onRunning: called with the bound port once the server listens (port 0 picks one).
    public static func application(
        host: String, port: Int, routes: HealthRoutes, extraRoutes: [RouteRegistration] = [], tls: ListenerTLS? = nil, logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let router = Router()
        routes.register(on: router)
        for registration in extraRoutes { registration(router) }
        return Application(
            router: router, server: try tls.map { try .tls(.http1(), tlsConfiguration: $0.configuration()) } ?? .http1(),
            configuration: .init(address: .hostname(host, port: port), serverName: "tresor"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }

    /// Splits `--listen` (`HOST:PORT`, `[IPv6]:PORT` or `:PORT`).
    public static func parseListen(_ value: String) -> (host: String, port: Int)? {
        guard let colon = value.lastIndex(of: ":"), let port = Int(value[value.index(after: colon)...]), (0...65535).contains(port)
        else { return nil }
        var host = String(value[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }
}
