import Foundation
import Testing

/// Whole engine passes with the Key Vault contract fake as the vault, each result read
/// back through the fake's API.
@Suite("Engine on the Azure Key Vault contract fake")
struct AzureEngineTests {
    @Test func createsThenFindsNothingToDoThenMakesOneVersionPerChangeAndCorrectsDrift() async throws {
        try await withFixture(AzureFixture.start) { try await ProviderEngineScenarios.createUpdateAndDrift($0, keepsVersions: true) }
    }

    @Test func anUnmarkedSecretIsRefusedWithoutAdoptTakenOverWithItAndReleasedWhenRemoved() async throws {
        try await withFixture(AzureFixture.start) { try await ProviderEngineScenarios.foreignRefusedAdoptedAndReleased($0) }
    }

    @Test func aRemovedSecretWithDeletionPolicyDeleteIsDeleted() async throws {
        try await withFixture(AzureFixture.start) { try await ProviderEngineScenarios.deletedWhenRemoved($0) }
    }
}
