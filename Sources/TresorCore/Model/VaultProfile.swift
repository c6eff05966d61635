/// A VaultProfile manifest: a vault connection and the rules its secrets follow.
public struct VaultProfile: Sendable, Hashable {
    public var metadata: ObjectMeta
    public var spec: VaultProfileSpec
    public var origin: Origin

    public var name: String { metadata.name }
}

public struct VaultProfileSpec: Sendable, Hashable, ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case provider, approvalProfile, complianceProfile, rateLimit, enabled }
    public static let schemaName = "VaultProfileSpec"
    public static let requiredFields: [Field] = [.provider]

    public var provider: Provider
    public var approvalProfile: String?
    public var complianceProfile: String?
    public var rateLimit: RateLimit?
    public var enabled = true

    public init(provider: Provider) {
        self.provider = provider
    }
}

/// `rateLimit: {qps, burst}`: a token bucket for the profile's vault requests.
public struct RateLimit: Sendable, Hashable, ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case qps, burst }
    public static let schemaName = "RateLimit"
    public static let requiredFields: [Field] = [.qps]

    public var qps: Double
    public var burst: Int
}
