import Crypto
import Foundation
import Testing
import TresorCore
import _CryptoExtras

@testable import TresorEngine

/// What `tresor validate` decides from the manifests alone, at the field's position.
@Suite struct OfflineComplianceTests {
    static func manifests(secrets: String) -> String {
        """
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: main}
        spec:
          provider: {local: {}}
          complianceProfile: strict
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: loose}
        spec:
          provider: {local: {}}
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: ComplianceProfile
        metadata: {name: strict}
        spec:
          enforcement: audit
          rules:
            - {name: keys, privateKey: {minRSABits: 2048}}
            - {name: tokens, jwt: {requireExp: true, algorithms: [ES256]}}
            - {name: aes, secretKeyBits: {min: 256}}
            - {name: owned, requiredLabels: {labels: [team]}}
            - {name: kinds, allowedTypes: {types: [privateKey, jwtToken, secretKey, apiKey]}}
            - {name: inline, noInlineValues: {}}
            - {name: rotated, maxAge: {duration: 1d}}
            - {name: unique, uniqueContent: {}}
        ---
        \(secrets)
        """
    }

    static func secret(_ name: String, _ type: String, content: String, profile: String = "main", labels: String = "{team: a}") -> String {
        """
        apiVersion: tresor.dev/v1alpha1
        kind: Secret
        metadata:
          name: \(name)
          labels: \(labels)
        spec:
          type: \(type)
          vaultProfile: \(profile)
          allowInlineValues: true
          content:
        \(content)
        ---

        """
    }

    func diagnostics(_ secrets: String) throws -> [Diagnostic] {
        let text = Self.manifests(secrets: secrets)
        let result = ManifestLoader().load([ManifestFile(path: "m.yaml", bytes: Array(text.utf8))])
        #expect(result.isValid, "\(result.errors)")
        return OfflineCompliance.diagnostics(result.state, now: ComplianceTestSupport.now)
    }

    @Test func literalKeysAndTokensAreJudgedAtTheirLine() throws {
        let weak = try ComplianceTestSupport.rsaPKCS8(bits: 1024).split(separator: "\n").joined(separator: "\n      ")
        let expired = try ComplianceTestSupport.jwt(alg: "ES256", claims: ["exp": ComplianceTestSupport.now.timeIntervalSince1970 - 5])
        let found = try diagnostics(
            Self.secret("weak", "privateKey", content: "    content: |\n      \(weak)")
                + Self.secret("token", "jwtToken", content: "    content: \(expired)"))
        let weakErrors = found.filter { $0.message.contains("Secret 'weak'") }
        // The key's rule and the inline-value rule; maxAge and uniqueContent wait for the reconcile.
        #expect(weakErrors.map { $0.message.contains("rule 'keys'") || $0.message.contains("rule 'inline'") } == [true, true])
        #expect(weakErrors.allSatisfy { $0.location.line == 39 && $0.severity == .error })
        let tokenErrors = found.filter { $0.message.contains("Secret 'token'") }
        #expect(tokenErrors.contains { $0.message.contains("rule 'tokens'") && $0.message.contains("expired at") })
        #expect(!found.contains { $0.message.contains("rule 'rotated'") || $0.message.contains("rule 'unique'") })
        #expect(!found.map(\.message).joined().contains(expired))
    }

    @Test func generatorsLabelsAndTypesAreJudgedWithoutValues() throws {
        let found = try diagnostics(
            Self.secret("aes", "secretKey", content: "    content: {generate: {bits: 128}}", labels: "{}")
                + Self.secret("blob", "generic", content: "    content: {fromEnv: BLOB}")
                + Self.secret("elsewhere", "generic", content: "    content: {fromEnv: BLOB}", profile: "loose"))
        let messages = found.map(\.message)
        #expect(messages.contains { $0.contains("'aes'") && $0.contains("rule 'aes'") && $0.contains("raise generate.bits to 256") })
        #expect(messages.contains { $0.contains("'aes'") && $0.contains("missing labels team") })
        #expect(messages.contains { $0.contains("'blob'") && $0.contains("type generic is not allowed") })
        #expect(!messages.contains { $0.contains("'elsewhere'") })
        #expect(!messages.contains { $0.contains("'blob'") && $0.contains("rule 'inline'") })
    }
}
