import TresorCore

extension GCPAdapter {
    /// `gcp`: the project's secrets under `endpoint/v1/projects/<project>/`. Token requests
    /// go to the key file's `token_uri`, which only the file names: they count as the
    /// profile's only when no other profile claims that URL.
    public static let registration = VaultProviderRegistration(
        technology: .gcp,
        make: { provider, context in
            guard case .gcp(let config) = provider else { return nil }
            return try GCPAdapter(config: config, profile: context.profile, http: try context.requireHTTP(), environment: context.environment)
        },
        routes: { provider in
            guard case .gcp(let config) = provider else { return [] }
            var endpoint = config.endpoint.flatMap { $0.isEmpty ? nil : $0 } ?? GCPAdapter.defaultEndpoint
            while endpoint.hasSuffix("/") { endpoint.removeLast() }
            return [
                VaultRequestRoute(prefix: endpoint + "/v1/projects/" + config.project + "/"),
                VaultRequestRoute(prefix: GCPServiceAccount.defaultTokenURI, isLogin: true),
            ]
        },
        listing: { _, url in (url.split(separator: "?").first ?? "").hasSuffix("/secrets") })
}
