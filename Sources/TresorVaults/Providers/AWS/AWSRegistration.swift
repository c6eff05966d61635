import TresorCore

extension AWSAdapter {
    /// `aws`: every call is a POST to the endpoint (the action travels in a header, so
    /// metrics count each call as a write).
    public static let registration = VaultProviderRegistration(
        technology: .aws,
        make: { provider, context in
            guard case .aws(let config) = provider else { return nil }
            return AWSAdapter(config: config, profile: context.profile, http: try context.requireHTTP(), credentials: context.credentials)
        },
        routes: { provider in
            guard case .aws(let config) = provider else { return [] }
            return [VaultRequestRoute(prefix: AWSAdapter.endpoint(of: config) + "/")]
        })
}
