import Foundation
import Testing

/// Whole engine passes with the Secret Manager contract fake as the vault, each result read
/// back through the fake's API.
@Suite("Engine on the GCP Secret Manager contract fake")
struct GCPEngineTests {
    @Test func createsThenFindsNothingToDoThenMakesOneVersionPerChangeAndCorrectsDrift() async throws {
        try await withFixture(GCPFixture.start) { try await ProviderEngineScenarios.createUpdateAndDrift($0, keepsVersions: true) }
    }

    @Test func anUnmarkedSecretIsRefusedWithoutAdoptTakenOverWithItAndReleasedWhenRemoved() async throws {
        try await withFixture(GCPFixture.start) { try await ProviderEngineScenarios.foreignRefusedAdoptedAndReleased($0) }
    }

    @Test func aRemovedSecretWithDeletionPolicyDeleteIsDeleted() async throws {
        try await withFixture(GCPFixture.start) { try await ProviderEngineScenarios.deletedWhenRemoved($0) }
    }
}
