import TresorCore

extension HashiCorpAdapter {
    /// `hashicorp`: KV v2 under `address/v1/mount/`, logins under `address/v1/auth/`.
    public static let registration = VaultProviderRegistration(
        technology: .hashicorp,
        make: { provider, context in
            guard case .hashicorp(let config) = provider else { return nil }
            return HashiCorpAdapter(config: config, http: try context.requireHTTP(), credentials: context.credentials)
        },
        routes: { provider in
            guard case .hashicorp(let config) = provider else { return [] }
            let address = config.address.hasSuffix("/") ? String(config.address.dropLast()) : config.address
            return [
                VaultRequestRoute(prefix: address + "/v1/" + config.mount + "/"),
                VaultRequestRoute(prefix: address + "/v1/auth/", isLogin: true),
                VaultRequestRoute(prefix: address + "/"),
            ]
        },
        listing: { _, url in url.contains("list=true") || url.contains("list=REDACTED") })
}
