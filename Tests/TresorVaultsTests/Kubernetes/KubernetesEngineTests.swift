import Foundation
import Testing

/// Whole engine passes with the Secrets contract fake as the vault, each result read
/// back through the fake's API.
@Suite("Engine on the Kubernetes Secrets contract fake")
struct KubernetesEngineTests {
    @Test func createsThenFindsNothingToDoThenMakesOneVersionPerChangeAndCorrectsDrift() async throws {
        try await withFixture(KubernetesFixture.start) { try await ProviderEngineScenarios.createUpdateAndDrift($0, keepsVersions: false) }
    }

    @Test func anUnmarkedSecretIsRefusedWithoutAdoptTakenOverWithItAndReleasedWhenRemoved() async throws {
        try await withFixture(KubernetesFixture.start) { try await ProviderEngineScenarios.foreignRefusedAdoptedAndReleased($0) }
    }

    @Test func aRemovedSecretWithDeletionPolicyDeleteIsDeleted() async throws {
        try await withFixture(KubernetesFixture.start) { try await ProviderEngineScenarios.deletedWhenRemoved($0) }
    }
}
