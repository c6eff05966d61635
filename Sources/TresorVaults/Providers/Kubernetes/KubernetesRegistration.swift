import TresorCore

extension KubernetesAdapter {
    /// `kubernetes`: Secrets under `server/api/v1/namespaces/<namespace>/secrets`.
    public static let registration = VaultProviderRegistration(
        technology: .kubernetes,
        make: { provider, context in
            guard case .kubernetes(let config) = provider else { return nil }
            return try KubernetesAdapter(
                config: config, profile: context.profile, http: try context.requireHTTP(), credentials: context.credentials,
                environment: context.environment)
        },
        routes: { provider in
            guard case .kubernetes(let config) = provider, var server = config.server else { return [] }
            while server.hasSuffix("/") { server.removeLast() }
            return [VaultRequestRoute(prefix: server + "/api/v1/namespaces/\(config.namespace ?? "")")]
        },
        listing: { _, url in !(url.split(separator: "?").first ?? "").contains("/secrets/") })
}
