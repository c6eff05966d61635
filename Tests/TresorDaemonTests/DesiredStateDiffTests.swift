import Testing
import TresorCore
import TresorDaemon

struct DesiredStateDiffTests {
    func load(_ yaml: String) throws -> DesiredState {
        let result = ManifestLoader().load([ManifestFile(path: "/m/all.yaml", bytes: Array(yaml.utf8))])
        try #require(result.isValid, "\(result.errors)")
        return result.state
    }

    func profile(_ name: String, path: String) -> String {
        """
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: \(name)}
        spec: {provider: {local: {path: \(path)}}}
        ---

        """
    }

    func secret(_ name: String, profile: String, length: Int = 24) -> String {
        """
        apiVersion: tresor.dev/v1alpha1
        kind: Secret
        metadata: {name: \(name)}
        spec:
          type: apiKey
          vaultProfile: \(profile)
          content: {content: {generate: {length: \(length)}}}
        ---

        """
    }

    @Test func onlyEditedAddedAndRemovedSecretsAreAffected() throws {
        let old = try load(profile("p", path: "/v") + secret("a", profile: "p") + secret("b", profile: "p") + secret("c", profile: "p"))
        let new = try load(profile("p", path: "/v") + secret("a", profile: "p", length: 32) + secret("b", profile: "p") + secret("d", profile: "p"))
        #expect(DesiredStateDiff.affectedSecrets(from: old, to: new) == ["a", "c", "d"])
    }

    @Test func movingAManifestInTheFileAffectsNothing() throws {
        let old = try load(profile("p", path: "/v") + secret("a", profile: "p") + secret("b", profile: "p"))
        let new = try load(secret("b", profile: "p") + "# a comment\n---\n" + secret("a", profile: "p") + profile("p", path: "/v"))
        #expect(DesiredStateDiff.affectedSecrets(from: old, to: new).isEmpty)
    }

    @Test func aChangedProfileAffectsTheSecretsThatUseIt() throws {
        let shared = secret("a", profile: "p") + secret("b", profile: "q")
        let old = try load(profile("p", path: "/v1") + profile("q", path: "/w") + shared)
        let new = try load(profile("p", path: "/v2") + profile("q", path: "/w") + shared)
        #expect(DesiredStateDiff.affectedSecrets(from: old, to: new) == ["a"])
    }

    @Test func amongTheNamesOfReReadFilesTheChangedSecretsAreThoseTheWholeDiffFinds() throws {
        let old = try load(profile("p", path: "/v") + secret("a", profile: "p") + secret("b", profile: "p") + secret("c", profile: "p"))
        let new = try load(profile("p", path: "/v") + secret("a", profile: "p", length: 32) + secret("b", profile: "p") + secret("d", profile: "p"))
        #expect(DesiredStateDiff.changedSecrets(among: ["a", "b", "c", "d"], from: old, to: new) == ["a", "c", "d"])
        #expect(DesiredStateDiff.changedSecrets(among: ["b", "c"], from: old, to: new) == ["c"])
    }
}
