import Testing
import TresorCore
import TresorTestSupport

@testable import TresorEngine

/// `observedGeneration` is on record in every status file: a change to how it is computed
/// would make every secret look edited once and be planned again.
@Suite struct GenerationDigestTests {
    static let fingerprinter = Fingerprinter(key: Array(repeating: 7, count: 32))

    static func digest(_ spec: String, labels: String = "{team: core, tier: web}") throws -> String {
        let yaml = localProfiles(["main", "copy"]) + """

            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata: {name: s, labels: \(labels)}
            spec:
              type: basicAuth
              vaultProfile: main
              syncVaultProfiles: [copy]
              allowInlineValues: true
            \(spec)
            """
        let secret = try #require(try EngineHarness.desired(yaml).secrets["s"])
        return Generation.digest(of: secret, fingerprinter: fingerprinter)
    }

    static let content = """
          content:
            username: app
            password: {generate: {length: 24, characterClasses: [upper, lower]}}
        """

    /// The value below was computed by the digest as it stood before it stopped building a
    /// dictionary per secret; it must not move.
    @Test func theDigestOfASpecStaysAsRecorded() throws {
        let digest = try Self.digest(Self.content)
        #expect(digest == "44f1760d6f234830")
    }

    @Test func everyPartOfTheSpecMovesTheDigest() throws {
        let base = try Self.digest(Self.content)
        #expect(try Self.digest(Self.content.replacingOccurrences(of: "app", with: "app2")) != base)
        #expect(try Self.digest(Self.content.replacingOccurrences(of: "24", with: "25")) != base)
        #expect(try Self.digest(Self.content, labels: "{team: core, tier: db}") != base)
        #expect(try Self.digest(Self.content + "\n  enabled: false") != base)
        #expect(try Self.digest(Self.content + "\n  path: other/s") != base)
        #expect(try Self.digest(Self.content + "\n  refreshInterval: 2h") != base)
    }
}
