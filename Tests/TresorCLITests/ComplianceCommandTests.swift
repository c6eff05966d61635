import Foundation
import Testing
import TresorTestSupport

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `validate` catches what it can offline; `apply` exits 3 on a held write;
/// `tresor compliance` reports from status in every format.
@Suite struct ComplianceCommandTests {
    static let profiles = TestManifests.localProfile("main", "complianceProfile: baseline")
        + TestManifests.complianceProfile(
            "baseline", rules: ["{name: long, minLength: {min: 24}}", "{name: owned, requiredLabels: {labels: [team]}}"])

    static func secret(length: Int) -> String {
        """
        apiVersion: tresor.dev/v1alpha1
        kind: Secret
        metadata:
          name: db
          labels: {team: payments}
        spec:
          type: basicAuth
          vaultProfile: main
          content:
            username: app
            password: {generate: {length: \(length)}}

        """
    }

    @Test func generatedPasswordTooShortForTheRuleFailsValidateAtItsLine() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.write(Self.profiles, to: "m/profiles.yaml")
        try cli.write(Self.secret(length: 16), to: "m/secret.yaml")
        let result = try await cli.run(["validate", "m"])
        #expect(result.status == 1)
        #expect(
            result.stdout.contains(
                "m/secret.yaml:11:15: error: Secret 'db' breaks rule 'long' (minLength) of ComplianceProfile 'baseline'"),
            "\(result.stdout)")
        #expect(result.stdout.contains("raise generate.length to 24"))
        let github = try await cli.run(["validate", "m", "-o", "github"])
        #expect(github.stdout.contains("::error file=m/secret.yaml,line=11,col=15::Secret 'db' breaks rule 'long'"))

        // apply reaches the same verdict at run time: deny holds the create, nothing is written.
        let apply = try await cli.run(["apply", "-f", "m", "--state-dir", "state"])
        #expect(apply.status == 3, "\(apply.stdout)\(apply.stderr)")
        let status = try cli.stateText("status/Secret/db.yaml")
        #expect(status.contains("state: inactive") && status.contains("versions: []"), "\(status)")

        try cli.write(Self.secret(length: 32), to: "m/secret.yaml")
        #expect(try await cli.run(["validate", "m"]).status == 0)
    }

    @Test func applyExitsThreeWhenDenyHoldsAWriteAndComplianceReportsIt() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let value = "Inline-Short-1"
        let manifests = Self.profiles + """
            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata:
              name: api
              labels: {team: payments}
            spec:
              type: apiKey
              vaultProfile: main
              content:
                content: {fromEnv: API_KEY}

            """
        try cli.write(manifests, to: "m/all.yaml")
        // Annotations point at the Secret's name.
        let nameLine = try #require(manifests.split(separator: "\n", omittingEmptySubsequences: false).firstIndex(of: "  name: api")) + 1
        let held = try await cli.run(["apply", "-f", "m", "--state-dir", "state"], environment: ["API_KEY": value])
        #expect(held.status == 3, "\(held.stdout)\(held.stderr)")
        #expect(!held.stdout.contains(value) && !held.stderr.contains(value))

        let table = try await cli.run(["compliance", "--state-dir", "state"])
        #expect(table.status == 1)
        #expect(table.stdout.contains("api") && table.stdout.contains("long") && table.stdout.contains("nok"))
        let github = try await cli.run(["compliance", "--state-dir", "state", "-o", "github"])
        #expect(github.stdout.contains("::error file=m/all.yaml,line=\(nameLine),col=9,title=compliance%3A api / long::"), "\(github.stdout)")
        let junit = try await cli.run(["compliance", "--state-dir", "state", "-o", "junit"])
        let parser = XMLParser(data: Data(junit.stdout.utf8))
        #expect(parser.parse())
        #expect(junit.stdout.contains("<failure type=\"minLength\""))
        let json = try await cli.run(["compliance", "--state-dir", "state", "-o", "json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((document["secrets"] as? [[String: Any]])?.first?["overall"] as? String == "nok")
        for output in [table, github, junit, json] { #expect(!output.stdout.contains(value)) }

        let fixed = try await cli.run(["apply", "-f", "m", "--state-dir", "state"], environment: ["API_KEY": value + "-and-now-long-enough"])
        #expect(fixed.status == 0, "\(fixed.stdout)\(fixed.stderr)")
        #expect(try await cli.run(["compliance", "--state-dir", "state"]).status == 0)
    }
}
