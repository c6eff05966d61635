import TresorCore

extension AzureAdapter {
    /// `azure`: the vault under `vaultUrl/`, tokens from `authorityHost/tenantId/`.
    public static let registration = VaultProviderRegistration(
        technology: .azure,
        make: { provider, context in
            guard case .azure(let config) = provider else { return nil }
            return AzureAdapter(config: config, profile: context.profile, http: try context.requireHTTP(), credentials: context.credentials)
        },
        routes: { provider in
            guard case .azure(let config) = provider else { return [] }
            var vault = config.vaultUrl
            while vault.hasSuffix("/") { vault.removeLast() }
            var authority = config.authorityHost.flatMap { $0.isEmpty ? nil : $0 } ?? AzureAdapter.defaultAuthority
            while authority.hasSuffix("/") { authority.removeLast() }
            return [VaultRequestRoute(prefix: vault + "/"), VaultRequestRoute(prefix: authority + "/" + config.tenantId + "/", isLogin: true)]
        },
        listing: { _, url in (url.split(separator: "?").first ?? "").hasSuffix("/secrets") })
}
