import Foundation
import Testing
import TresorTestSupport

/// One manifest set for several environments: `{fromEnv: NAME}` in a provider's
/// non-secret fields.
@Suite struct EnvironmentFieldTests {
    let manifests =
        TestManifests.vaultProfile(
            "bao", "hashicorp", ["address: {fromEnv: BAO_ADDR}", "mount: secret", "auth: {token: {fromEnv: BAO_TOKEN}}"])
        + TestManifests.vaultProfile(
            "aws", "aws",
            [
                "region: {fromEnv: AWS_REGION_FOR_TRESOR}", "endpoint: {fromEnv: AWS_ENDPOINT_FOR_TRESOR}",
                "auth: {accessKeyId: {fromEnv: KEY}, secretAccessKey: {fromEnv: SECRET}}",
            ])

    @Test func providerAddressesComeFromTheEnvironmentAndAreCheckedAsLiterals() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.write(manifests, to: "m/profiles.yaml")
        let environment = [
            "BAO_ADDR": "http://127.0.0.1:8200", "AWS_REGION_FOR_TRESOR": "eu-west-1", "AWS_ENDPOINT_FOR_TRESOR": "http://127.0.0.1:5000",
        ]
        let valid = try await cli.run(["validate", "m", "--allow-empty"], environment: environment)
        #expect(valid.status == 0, "\(valid.stdout)")
        var missing = environment
        missing["BAO_ADDR"] = ""
        let unset = try await cli.run(["validate", "m"], environment: missing)
        #expect(unset.status == 1)
        #expect(unset.stdout.contains("profiles.yaml:7:16: error: spec.provider.hashicorp.address: {fromEnv: BAO_ADDR}: BAO_ADDR is not set"), "\(unset.stdout)")
        var wrong = environment
        wrong["AWS_ENDPOINT_FOR_TRESOR"] = "ftp://example"
        let bad = try await cli.run(["validate", "m"], environment: wrong)
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("profiles.yaml:18:17: error: spec.provider.aws.endpoint: 'ftp://example' is not a valid URL"), "the URL check names where the fromEnv is: \(bad.stdout)")
    }
}
