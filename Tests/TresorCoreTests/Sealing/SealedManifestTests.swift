import Crypto
import Foundation
import Testing
import TresorTestSupport

@testable import TresorCore

/// `validate` checks sealed values offline: their shape and what they are bound to.
@Suite("Sealed values in manifests")
struct SealedManifestTests {
    static let key = SealingPublicKey(Curve25519.KeyAgreement.PrivateKey().publicKey)

    static func sealed(_ name: String, _ field: String, kind: Kind = .secret) -> String {
        try! Sealer.seal(SecretValue("manifest-plaintext"), to: key, for: SealedBinding(kind: kind, name: name, field: field)).text
    }

    static func manifest(name: String = "db", password: String) -> String {
        TestManifests.localProfile("main")
            + TestManifests.secret(name, "content:", "  username: app", "  password: {sealed: \"\(password)\"}")
    }

    static func rendered(_ text: String) -> [String] {
        ManifestLoader().load([ManifestFile(path: "m.yaml", bytes: Array(text.utf8))]).diagnostics.map(\.description)
    }

    @Test func wellFormedValueBoundHereIsValid() {
        #expect(Self.rendered(Self.manifest(password: Self.sealed("db", "password"))) == [])
    }

    @Test func malformedValueIsReportedAtItsPosition() {
        #expect(
            Self.rendered(Self.manifest(password: "tresor-sealed.v1.%%%"))
                == [
                    "m.yaml:14:24: error: spec.content.password.sealed: not a well-formed sealed value: the text after "
                        + "'tresor-sealed.v1.' is not valid base64 (was it cut, wrapped or edited?); paste the whole line "
                        + "that `tresor seal` printed"
                ])
        #expect(Self.rendered(Self.manifest(password: "tresor-sealed.v7.AAAA")).first?.contains("format version 7") == true)
    }

    @Test func valueCopiedFromAnotherSecretOrFieldIsReportedOffline() {
        for copied in [Self.sealed("other", "password"), Self.sealed("db", "username")] {
            let diagnostics = Self.rendered(Self.manifest(password: copied))
            #expect(diagnostics.count == 1)
            #expect(diagnostics.first?.hasPrefix("m.yaml:14:24: error: spec.content.password.sealed: bound to another secret or field") == true)
            #expect(diagnostics.first?.contains("(Secret 'db' field 'password')") == true)
        }
    }

    @Test func sealedCredentialIsBoundToItsProfileAndPath() {
        func profile(_ token: String) -> String {
            TestManifests.vaultProfile("bao", "hashicorp", ["address: http://127.0.0.1:8200", "auth: {token: {sealed: \(token)}}"])
        }
        #expect(Self.rendered(profile(Self.sealed("bao", "auth.token", kind: .vaultProfile))) == [])
        let copied = Self.rendered(profile(Self.sealed("other", "auth.token", kind: .vaultProfile)))
        #expect(copied.count == 1)
        #expect(copied.first?.hasPrefix("m.yaml:8:30: error: spec.provider.hashicorp.auth.token.sealed: bound to another") == true)
    }

    @Test func scalarsAreFoundWithTheirExactBytesInEveryStyle() throws {
        let a = Self.sealed("db", "password")
        let text = """
            # leading comment ü
            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata: {name: db}
            spec:
              type: keyValue
              vaultProfile: main
              content:
                data:
                  PLAIN: {sealed: \(a)}   # trailing
                  SINGLE:
                    sealed: '\(a)'
                  "DOUBLE": {sealed: "\(a)"}

            """
        let bytes = Array(text.utf8)
        let found = SealedScalars.find(in: bytes)
        #expect(found.problems.isEmpty)
        #expect(found.scalars.map(\.binding.field) == ["PLAIN", "SINGLE", "DOUBLE"])
        for scalar in found.scalars {
            #expect(String(decoding: bytes[scalar.range], as: UTF8.self) == a)
        }
        let rewritten = SealedScalars.replacing(bytes, found.scalars.map { ($0.range, "NEW") })
        #expect(
            String(decoding: rewritten, as: UTF8.self)
                == text.replacingOccurrences(of: a, with: "NEW"))
    }

    @Test func scalarsThatCannotBeRewrittenInPlaceAreProblems() {
        let text = """
            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata: {name: db}
            spec:
              content:
                password:
                  sealed: |
                    tresor-sealed.v1.AAAA
                apiKey:
                  sealed: "tresor-sealed.v1.\\x41AAA"

            """
        let found = SealedScalars.find(in: Array(text.utf8))
        #expect(found.scalars.isEmpty)
        #expect(found.problems.map(\.mark.line) == [7, 10])
    }
}
