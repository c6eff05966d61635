/// Everything the manifests declare, validated and cross-checked.
public struct DesiredState: Sendable {
    public var vaultProfiles: [String: VaultProfile]
    public var secrets: [String: Secret]
    public var approvalProfiles: [String: ApprovalProfile]
    public var complianceProfiles: [String: ComplianceProfile]

    public init(
        vaultProfiles: [String: VaultProfile] = [:], secrets: [String: Secret] = [:],
        approvalProfiles: [String: ApprovalProfile] = [:], complianceProfiles: [String: ComplianceProfile] = [:]
    ) {
        self.vaultProfiles = vaultProfiles
        self.secrets = secrets
        self.approvalProfiles = approvalProfiles
        self.complianceProfiles = complianceProfiles
    }

    /// How many manifests of each kind are declared.
    public var counts: [Kind: Int] {
        [
            .vaultProfile: vaultProfiles.count, .secret: secrets.count,
            .approvalProfile: approvalProfiles.count, .complianceProfile: complianceProfiles.count,
        ]
    }
}
