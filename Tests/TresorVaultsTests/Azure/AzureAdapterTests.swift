import Foundation
import Testing
import TresorCore

@testable import TresorVaults

/// The Azure Key Vault adapter against the contract fake; what it stored is read back
/// through the fake's REST API.
@Suite("Azure adapter on the Key Vault contract fake")
struct AzureAdapterTests {
    @Test func deleteIsSoftAndARedeclaredSecretIsRecoveredWithItsVersions() async throws {
        try await withFixture(AzureFixture.start) { fixture in
            let vault = fixture.azure()
            let first = ProviderScenarios.content(["content": "soft-1"])
            _ = try await vault.write(at: "db/main", content: first, mark: ProviderScenarios.mark("db", .apiKey, first), expected: .absent)
            try await vault.delete(at: "db/main")
            #expect(try await fixture.outside("db/main") == nil)
            #expect(try await fixture.deleted("db/main"))
            #expect(try await vault.readMetadata(at: "db/main") == nil)

            let second = ProviderScenarios.content(["content": "soft-2"])
            _ = try await vault.write(at: "db/main", content: second, mark: ProviderScenarios.mark("db", .apiKey, second), expected: .absent)
            let outside = try #require(try await fixture.outside("db/main"))
            #expect(outside.value == "soft-2")
            #expect(outside.versions == 2)
            #expect(try await !fixture.deleted("db/main"))
        }
    }

    @Test func purgeOnDeleteLeavesNoDeletedSecretBehind() async throws {
        try await withFixture(AzureFixture.start) { fixture in
            let vault = fixture.azure(purge: true)
            let value = ProviderScenarios.content(["content": "purged"])
            _ = try await vault.write(at: "gone", content: value, mark: ProviderScenarios.mark("gone", .apiKey, value), expected: .absent)
            try await vault.delete(at: "gone")
            #expect(try await fixture.outside("gone") == nil)
            #expect(try await !fixture.deleted("gone"))
        }
    }

    @Test func moreThanFifteenTagsAreRefusedBeforeAnythingIsWritten() async throws {
        try await withFixture(AzureFixture.start) { fixture in
            let vault = fixture.azure()
            let fields = (1...12).map { "field\($0)" }
            let value = ProviderScenarios.content(Dictionary(uniqueKeysWithValues: fields.map { ($0, "v-\($0)") }))
            let generators = Dictionary(uniqueKeysWithValues: fields.map { ($0, "digest") })
            let mark = ProviderScenarios.mark("many", .keyValue, value, generators: generators)
            let error = try #require(await ProviderScenarios.vaultError { _ = try await vault.write(at: "many", content: value, mark: mark, expected: .absent) })
            #expect(error.kind == .invalidRequest)
            #expect(error.message.contains("more than Key Vault's 15"))
            #expect(try await fixture.outside("many") == nil)
        }
    }

    @Test func pathsOutsideTheNamingRuleAreRefusedWithTheRule() async throws {
        try await withFixture(AzureFixture.start) { fixture in
            let vault = fixture.azure()
            for path in ["db_main", "Db/main", "a--b", "a/-b"] {
                let error = try #require(await ProviderScenarios.vaultError { _ = try await vault.readMetadata(at: path) })
                #expect(error.kind == .invalidRequest)
                #expect(error.message.contains("cannot be an Azure Key Vault secret name"), "\(error.message)")
            }
        }
    }
}
