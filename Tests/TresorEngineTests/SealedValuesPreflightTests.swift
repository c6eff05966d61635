import Foundation
import Testing
import TresorCore

@testable import TresorEngine

/// The preflight that opens every sealed value before a pass.
@Suite struct SealedValuesPreflightTests {
    static let privateKey = (0..<32).map { UInt8($0) }
    static let publicKey = try! SealingPublicKey(privateKey: privateKey)

    static func sealed(_ value: String, _ name: String, _ field: String) -> String {
        try! Sealer.seal(SecretValue(value), to: publicKey, for: SealedBinding(kind: .secret, name: name, field: field)).text
    }

    /// A VaultProfile `main` (local, or OpenBao with a sealed token) and the secrets.
    static func state(_ secrets: [(name: String, enabled: Bool, text: String)], sealedToken: String? = nil) throws -> DesiredState {
        let provider = sealedToken.map { "{hashicorp: {address: \"http://127.0.0.1:1\", mount: secret, auth: {token: {sealed: \"\($0)\"}}}}" } ?? "{local: {}}"
        var yaml = "apiVersion: tresor.dev/v1alpha1\nkind: VaultProfile\nmetadata: {name: main}\nspec: {provider: \(provider)}\n"
        for secret in secrets {
            yaml += "---\napiVersion: tresor.dev/v1alpha1\nkind: Secret\nmetadata: {name: \(secret.name)}\n"
                + "spec: {type: apiKey, vaultProfile: main, enabled: \(secret.enabled), content: {content: {sealed: \"\(secret.text)\"}}}\n"
        }
        let result = ManifestLoader().load([ManifestFile(path: "m.yaml", bytes: Array(yaml.utf8))])
        try #require(result.isValid, "\(result.errors)")
        return result.state
    }

    /// Sealed to a key the keyring does not hold.
    static func foreign(_ name: String) -> String {
        let other = try! SealingPublicKey(privateKey: [UInt8](repeating: 9, count: 32))
        return try! Sealer.seal(SecretValue("foreign-\(name)-value"), to: other, for: SealedBinding(kind: .secret, name: name, field: "content")).text
    }

    @Test func everyProblemIsReportedInManifestOrderAndOpenedValuesAreKept() throws {
        let token = try Sealer.seal(
            SecretValue("preflight-token"), to: Self.publicKey, for: SealedBinding(kind: .vaultProfile, name: "main", field: "auth.token")
        ).text
        let desired = try Self.state(
            [("a", true, Self.sealed("preflight-a", "a", "content")), ("b", true, Self.foreign("b")), ("c", true, Self.foreign("c"))],
            sealedToken: token)
        var sealed = SealedValues(keyring: try SealingKeyring(privateKeys: [Self.privateKey]))
        do {
            try sealed.openAll(in: desired)
            Issue.record("expected the preflight to fail")
        } catch {
            #expect(error.problems.map(\.binding.name) == ["b", "c"])
            #expect(error.problems.map(\.location.line) == [14, 19])
            #expect(error.description.contains("m.yaml:14:"))
            // Neither the values that opened nor those that did not are in the message.
            for value in ["preflight-a", "preflight-token", "foreign-b-value", "foreign-c-value"] {
                #expect(!error.description.contains(value), "the preflight error shows a sealed value")
            }
        }
        // The credential opened before the failure is kept (the adapter asks for it by source alone).
        #expect(sealed.credential(profile: "main", text: token)?.reveal() == "preflight-token")
    }

    @Test func disabledSecretsAreNotOpenedAndReadOpensOnlyCredentials() throws {
        let desired = try Self.state([("a", true, Self.sealed("preflight-a", "a", "content")), ("off", false, Self.foreign("off"))])
        var sealed = SealedValues(keyring: try SealingKeyring(privateKeys: [Self.privateKey]))
        // "off" cannot be opened: a preflight that opened it would throw.
        try sealed.openAll(in: desired)
        #expect(try sealed.open(Self.sealed("preflight-a", "a", "content"), for: SealedBinding(kind: .secret, name: "a", field: "content")).reveal() == "preflight-a")
        // Without keys, content cannot be opened: only skipping it lets the first call pass.
        var unkeyed = SealedValues()
        try unkeyed.openAll(in: desired, content: false)
        #expect(throws: SealedValues.OpenError.self) { try unkeyed.openAll(in: desired) }
    }
}
