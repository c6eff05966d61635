import TresorCore

/// Every provider this build has; adding one is its folder and a line here.
public enum VaultProviders {
    public static let all: [VaultProviderRegistration] = [
        LocalAdapter.registration,
        HashiCorpAdapter.registration,
        AWSAdapter.registration,
        AzureAdapter.registration,
        GCPAdapter.registration,
        KubernetesAdapter.registration,
    ]

    public static func registration(for technology: ProviderBlock.Field) -> VaultProviderRegistration? {
        all.first { $0.technology == technology }
    }
}
