import Testing

@testable import TresorCore

/// Names and paths `validate` accepts must be ones apply can write: a Secret's status
/// file, a local vault's file and a Secrets Manager name each have a length limit, and a
/// name quoted in a message must never reach a terminal as control characters.
@Suite("Name limits and control characters")
struct NameLimitTests {
    static func load(secretName: String, path: String? = nil, provider: String = "{local: {}}") -> LoadResult {
        let text = """
            apiVersion: tresor.dev/v1alpha1
            kind: VaultProfile
            metadata: {name: target}
            spec:
              provider: \(provider)
            ---
            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata:
              name: \(secretName)
            spec:
              type: apiKey
              vaultProfile: target
            \(path.map { "  path: \($0)" } ?? "")
              content: {content: {generate: {length: 32}}}

            """
        return ManifestLoader().load([ManifestFile(path: "limits.yaml", bytes: Array(text.utf8))])
    }

    static func errors(_ result: LoadResult) -> [String] { result.errors.map(\.description) }

    @Test func aSecretNameThatFitsItsStatusFileIsAccepted() {
        let result = Self.load(secretName: String(repeating: "a", count: VaultPathLimits.secretNameBytes))
        #expect(Self.errors(result) == [])
    }

    @Test func aSecretNameTooLongForItsStatusFileIsAnErrorAtTheName() throws {
        let result = Self.load(secretName: String(repeating: "a", count: 240), path: "short")
        let error = try #require(result.errors.first)
        #expect(result.errors.count == 1)
        #expect(error.location.line == 10)
        #expect(error.message.contains("at most 224 characters"))
        #expect(error.message.contains("has 240"))
    }

    @Test func aLocalVaultPathSegmentTooLongForItsFileIsAnErrorAtThePath() throws {
        let segment = String(repeating: "s", count: VaultPathLimits.localSegmentBytes + 1)
        let result = Self.load(secretName: "db", path: "team/\(segment)")
        let error = try #require(result.errors.first)
        #expect(error.location.line == 14)
        #expect(error.message.contains("a local vault's file names allow 236 per segment"))
        #expect(Self.errors(Self.load(secretName: "db", path: "team/\(segment.dropLast())")) == [])
    }

    @Test func anAWSNameOverItsLimitWithThePrefixIsAnError() throws {
        let provider = "{aws: {region: eu-west-1, pathPrefix: \(String(repeating: "p", count: 100))}}"
        let path = (0..<5).map { _ in String(repeating: "q", count: 90) }.joined(separator: "/")
        let result = Self.load(secretName: "db", path: path, provider: provider)
        let error = try #require(result.errors.first)
        #expect(error.message.contains("makes a secret name of 555 characters"))
        let fits = (0..<4).map { _ in String(repeating: "q", count: 90) }.joined(separator: "/")
        #expect(Self.errors(Self.load(secretName: "db", path: fits, provider: provider)) == [])
    }

    @Test func controlCharactersInANameAreEscapedInEveryMessage() throws {
        let result = Self.load(secretName: "\"evil\\e[2J\\e]0;PWNED\\a\"")
        let rendered = Self.errors(result).joined(separator: "\n")
        #expect(!rendered.isEmpty)
        #expect(!rendered.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        #expect(rendered.contains("evil\\u{1B}[2J\\u{1B}]0;PWNED\\u{7}"))
    }

    @Test func printableLeavesOrdinaryTextAlone() {
        #expect(Text.printable("db/main — ü") == "db/main — ü")
        #expect(Text.printable("a\u{85}b\u{7F}") == "a\\u{85}b\\u{7F}")
    }
}
