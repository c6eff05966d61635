extension VaultProfileSpec {
    static func decode(_ node: YAMLNode, context: DecodeContext) -> VaultProfileSpec? {
        guard let reader = ObjectReader<VaultProfileSpec>(node, path: "spec", context: context) else { return nil }
        let before = context.errorCount
        let provider = reader[.provider].flatMap { Provider.decode($0, path: reader.path(.provider), context: context) }
        let approvalProfile = reader[.approvalProfile] == nil ? nil : reader.reference(.approvalProfile, to: .approvalProfile)
        let complianceProfile = reader[.complianceProfile] == nil ? nil : reader.reference(.complianceProfile, to: .complianceProfile)
        var rateLimit: RateLimit?
        if let limit = reader.object(.rateLimit, as: RateLimit.self), let qps = limit.number(.qps, greaterThan: 0) {
            let burst = limit[.burst] == nil ? max(1, Int(qps.rounded(.up))) : limit.int(.burst, in: 1...1_000_000)
            if let burst { rateLimit = RateLimit(qps: qps, burst: burst) }
        }
        let enabled = reader[.enabled] == nil ? true : reader.bool(.enabled)
        guard let provider, let enabled, context.errorCount == before else { return nil }
        var spec = VaultProfileSpec(provider: provider)
        spec.approvalProfile = approvalProfile
        spec.complianceProfile = complianceProfile
        spec.rateLimit = rateLimit
        spec.enabled = enabled
        return spec
    }
}
