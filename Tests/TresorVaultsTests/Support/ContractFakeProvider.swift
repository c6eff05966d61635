import TresorCore

@testable import TresorVaults

/// The providers tested on a contract fake, for the scenarios each of them passes alike
/// (``ProviderScenarios``, ``ProviderEngineScenarios``); what differs between them is here.
enum ContractFakeProvider: String, CaseIterable, Sendable {
    case azure, gcp, kubernetes

    /// Runs `body` with this provider's fixture started, and stops it afterwards.
    func withFixture(_ body: (any ProviderFixture) async throws -> Void) async throws {
        switch self {
        case .azure: try await TresorVaultsTests.withFixture(AzureFixture.start) { try await body($0) }
        case .gcp: try await TresorVaultsTests.withFixture(GCPFixture.start) { try await body($0) }
        case .kubernetes: try await TresorVaultsTests.withFixture(KubernetesFixture.start) { try await body($0) }
        }
    }

    /// Whether an update keeps the earlier content as a version (a Kubernetes Secret has none).
    var keepsVersions: Bool { self != .kubernetes }

    /// Where a refused credential came from, as the error must name it.
    var refusedCredential: String {
        switch self {
        case .azure: "azure.clientSecret (from environment variable AZURE_TEST_CLIENT_SECRET)"
        case .gcp: "Invalid JWT Signature"
        case .kubernetes: "the token from environment variable K8S_TEST_TOKEN"
        }
    }

    /// The setting an unreachable address or a TLS failure is reported against.
    var addressSetting: String {
        switch self {
        case .azure: "azure.authorityHost"
        case .gcp: "token_uri"
        case .kubernetes: "kubernetes.server"
        }
    }

    /// An adapter on `fixture` with a client that waits out `Retry-After` as in production.
    func adapterWaitingOutThrottling(_ fixture: any ProviderFixture) throws -> any VaultAdapter {
        switch fixture {
        case let azure as AzureFixture: azure.azure(http: CurlHTTPClient())
        case let gcp as GCPFixture: try gcp.gcp(http: CurlHTTPClient())
        case let kubernetes as KubernetesFixture: try kubernetes.kubernetes(http: CurlHTTPClient())
        default: try fixture.adapter()
        }
    }
}
