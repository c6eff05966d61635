import Foundation
import Testing
@testable import TresorCore

@testable import TresorVaults

/// Found by reading what the fuzzer found in the local vault: Foundation's `JSONDecoder`
/// traps (instead of throwing) on JSON text that ends 512 levels deep. A vault that
/// answers so, by accident or on purpose, must produce an error naming the vault, not
/// stop tresor.
@Suite("Deeply nested vault responses")
struct DeepJSONResponseTests {
    typealias T = HashiCorpTesting
    static let deep = #"{"data":"# + String(repeating: "[", count: 512)

    @Test func aSuccessBodyNestedHundredsDeepIsAnErrorNotACrash() async throws {
        let http = FakeVaultHTTP()
        http.on("GET", T.metadataPath, .json(200, Self.deep))
        await #expect(throws: VaultError.self) { try await T.adapter(http).readMetadata(at: "db/main") }
    }

    @Test func anErrorBodyNestedHundredsDeepStillReportsTheStatus() async throws {
        let http = FakeVaultHTTP()
        http.on("GET", T.metadataPath, .json(500, #"{"errors":"# + String(repeating: "[", count: 512)))
        let error = await #expect(throws: VaultError.self) { try await T.adapter(http).readMetadata(at: "db/main") }
        #expect(error?.description.contains("500") == true)
    }

    @Test func decodeBoundedRefusesOnlyWhatIsTooDeep() throws {
        struct Shape: Decodable { var a: [[Int]] }
        #expect(try JSONDecoder().decodeBounded(Shape.self, from: Data(#"{"a":[[1]]}"#.utf8)).a == [[1]])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decodeBounded(Shape.self, from: Data(#"{"a":[[1]]}"#.utf8), maxDepth: 2)
        }
        // Brackets inside strings do not count.
        #expect(JSONDepth.nestsAtMost(Data(#"{"s":"[[[[[[[[[[[[[[[[[[[["}"#.utf8), 1))
    }
}
