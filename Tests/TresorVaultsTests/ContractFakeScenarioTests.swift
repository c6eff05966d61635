import Foundation
import Testing

/// What the Azure Key Vault, GCP Secret Manager and Kubernetes Secrets adapters do alike,
/// each against its contract fake, read back through the fake's API: the adapter
/// scenarios, and whole engine passes with the fake as the vault. What only one of them
/// does is in its own suite (`AzureAdapterTests`, …).
@Suite("Adapters and engine on the contract fakes")
struct ContractFakeScenarioTests {
    @Test(arguments: ContractFakeProvider.allCases)
    func allEightTypesRoundTripAndTheAPIShowsTheirValuesMarksAndVersions(_ provider: ContractFakeProvider) async throws {
        try await provider.withFixture { try await ProviderScenarios.allEightTypesRoundTrip($0) }
    }

    @Test(arguments: ContractFakeProvider.allCases)
    func anUpdateMakesOneNewVersionAndAStaleWriteIsAConflict(_ provider: ContractFakeProvider) async throws {
        try await provider.withFixture {
            try await ProviderScenarios.updateMakesOneVersionAndAStaleWriteConflicts($0, keepsVersions: provider.keepsVersions)
        }
    }

    @Test(arguments: ContractFakeProvider.allCases)
    func refusedCredentialsFailWithAnErrorNamingWhereTheyCameFrom(_ provider: ContractFakeProvider) async throws {
        try await provider.withFixture { try await ProviderScenarios.wrongCredentialsFailWithAClearError($0, naming: provider.refusedCredential) }
    }

    /// Kubernetes bearer tokens do not expire while tresor holds them.
    @Test(arguments: [ContractFakeProvider.azure, .gcp])
    func anExpiredTokenIsReplacedAndTheRequestSucceeds(_ provider: ContractFakeProvider) async throws {
        try await provider.withFixture { try await ProviderScenarios.expiredTokenIsReplaced($0) }
    }

    @Test(arguments: ContractFakeProvider.allCases)
    func aThrottledRequestWaitsForRetryAfterAndPersistentThrottlingIsReported(_ provider: ContractFakeProvider) async throws {
        try await provider.withFixture { fixture in
            try await ProviderScenarios.throttlingIsWaitedOutThenReported(fixture, adapter: try provider.adapterWaitingOutThrottling(fixture))
        }
    }

    @Test(arguments: ContractFakeProvider.allCases)
    func unreachableTLSAndForbiddenEachGetAClearError(_ provider: ContractFakeProvider) async throws {
        try await provider.withFixture {
            try await ProviderScenarios.unreachableTLSAndForbiddenEachGetAClearError($0, addressSetting: provider.addressSetting)
        }
    }

    @Test(arguments: ContractFakeProvider.allCases)
    func createsThenFindsNothingToDoThenMakesOneVersionPerChangeAndCorrectsDrift(_ provider: ContractFakeProvider) async throws {
        try await provider.withFixture { try await ProviderEngineScenarios.createUpdateAndDrift($0, keepsVersions: provider.keepsVersions) }
    }

    @Test(arguments: ContractFakeProvider.allCases)
    func anUnmarkedSecretIsRefusedWithoutAdoptTakenOverWithItAndReleasedWhenRemoved(_ provider: ContractFakeProvider) async throws {
        try await provider.withFixture { try await ProviderEngineScenarios.foreignRefusedAdoptedAndReleased($0) }
    }

    @Test(arguments: ContractFakeProvider.allCases)
    func aRemovedSecretWithDeletionPolicyDeleteIsDeleted(_ provider: ContractFakeProvider) async throws {
        try await provider.withFixture { try await ProviderEngineScenarios.deletedWhenRemoved($0) }
    }
}
