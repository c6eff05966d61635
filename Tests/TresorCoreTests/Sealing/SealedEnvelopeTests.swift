import Crypto
import Foundation
import Testing

@testable import TresorCore

/// Sealing and opening (HPKE X25519 / HKDF-SHA256 / AES-256-GCM) and the envelope's shape.
@Suite("Sealed values")
struct SealedEnvelopeTests {
    static let plaintext = "sealed-unit-plaintext-9f3k"
    let privateKey = Curve25519.KeyAgreement.PrivateKey()
    var publicKey: SealingPublicKey { SealingPublicKey(privateKey.publicKey) }
    var keyring: SealingKeyring { try! SealingKeyring(privateKeys: [Array(privateKey.rawRepresentation)]) }
    let binding = SealedBinding(kind: .secret, name: "payments-db", field: "password")

    func sealed(_ value: String = Self.plaintext, for binding: SealedBinding? = nil) throws -> String {
        try Sealer.seal(SecretValue(value), to: publicKey, for: binding ?? self.binding).text
    }

    func openError(_ text: String, for binding: SealedBinding? = nil, keyring: SealingKeyring? = nil) -> SealedValueError? {
        do {
            _ = try (keyring ?? self.keyring).open(text, for: binding ?? self.binding)
            return nil
        } catch {
            return error
        }
    }

    @Test func sealedValueOpensForItsBindingOnly() throws {
        let text = try sealed()
        #expect(text.hasPrefix("tresor-sealed.v1."))
        #expect(!text.contains(Self.plaintext))
        #expect(try keyring.open(text, for: binding).reveal() == Self.plaintext)
        for other in [
            SealedBinding(kind: .secret, name: "payments-db2", field: "password"),
            SealedBinding(kind: .secret, name: "payments-db", field: "username"),
            SealedBinding(kind: .vaultProfile, name: "payments-db", field: "password"),
        ] {
            #expect(openError(text, for: other) == .boundElsewhere)
        }
    }

    /// The clear tag only explains a failure: the binding itself is authenticated, so a
    /// copied value whose tag is forged to match its new place still does not open.
    @Test func forgingTheBindingTagOfACopiedValueIsTampering() throws {
        var envelope = try SealedEnvelope(parsing: try sealed())
        let elsewhere = SealedBinding(kind: .secret, name: "payments-db", field: "username")
        envelope.bindingTag = elsewhere.tag
        #expect(elsewhere.matches(envelope))
        #expect(openError(envelope.text, for: elsewhere) == .tampered(keyId: envelope.keyIdHex))
    }

    @Test func twoSealsOfOneValueDiffer() throws {
        #expect(try sealed() != sealed())
    }

    @Test func everyAlteredByteOfTheCiphertextIsTampering() throws {
        let envelope = try SealedEnvelope(parsing: try sealed())
        let id = envelope.keyIdHex
        for index in envelope.encapsulatedKey.indices {
            var altered = envelope
            altered.encapsulatedKey[index] ^= 0x01
            #expect(openError(altered.text) == .tampered(keyId: id))
        }
        for index in envelope.ciphertext.indices {
            var altered = envelope
            altered.ciphertext[index] ^= 0x80
            #expect(openError(altered.text) == .tampered(keyId: id))
        }
        var retagged = envelope
        retagged.bindingTag[0] ^= 0x01
        #expect(openError(retagged.text) == .boundElsewhere)
    }

    /// Found by fuzzing (SealedValue): base64 leaves the low bits of the character before
    /// `=` unused, and a text with them changed decoded to the same bytes and opened.
    @Test func aSealedTextWithTheUnusedBase64BitsChangedDoesNotOpen() throws {
        // 64 bytes of envelope and 25 of value: 89 bytes, one `=` and two unused bits.
        let text = try sealed(String(repeating: "v", count: 25))
        #expect(text.hasSuffix("=") && !text.hasSuffix("=="))
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var characters = Array(text)
        let last = characters.count - 2
        let index = try #require(alphabet.firstIndex(of: characters[last]))
        characters[last] = alphabet[index ^ 0x01]
        let edited = String(characters)
        #expect(edited != text)
        #expect(try keyring.open(text, for: binding).reveal().count == 25)
        guard case .malformed = openError(edited) else {
            Issue.record("a sealed text with a changed character did not fail as malformed")
            return
        }
    }

    @Test func aValueSealedToAnotherKeyIsNoMatchAndNoKeysIsSaid() throws {
        let text = try sealed()
        let other = try SealingKeyring(privateKeys: [Array(Curve25519.KeyAgreement.PrivateKey().rawRepresentation)])
        let id = publicKey.keyIdHex
        #expect(openError(text, keyring: other) == .noMatchingKey(keyId: id, held: other.keyIds))
        #expect(openError(text, keyring: SealingKeyring()) == .noKeysHeld(keyId: id))
        #expect(SealedValueError.noKeysHeld(keyId: id).description.contains("--sealing-key"))
    }

    @Test func severalKeysAreHeldForRotation() throws {
        let old = try sealed()
        let newPrivate = Curve25519.KeyAgreement.PrivateKey()
        let fresh = try Sealer.seal(SecretValue("new-value"), to: SealingPublicKey(newPrivate.publicKey), for: binding).text
        let both = try SealingKeyring(privateKeys: [Array(privateKey.rawRepresentation), Array(newPrivate.rawRepresentation)])
        #expect(try both.open(old, for: binding).reveal() == Self.plaintext)
        #expect(try both.open(fresh, for: binding).reveal() == "new-value")
    }

    @Test(arguments: [
        ("sealed-by-hand", "does not start with 'tresor-sealed.v1.'"),
        ("tresor-sealed.vx.AAAA", "format version after 'tresor-sealed.v' is not a number"),
        ("tresor-sealed.v1", "has no '.' after the format version"),
        ("tresor-sealed.v1.not*base64", "is not valid base64"),
        ("tresor-sealed.v1.AAAA", "holds 3 bytes, fewer than the 65"),
    ])
    func malformedTextIsDescribedWithoutEchoingIt(text: String, problem: String) {
        #expect(throws: SealedValueError.self) { try SealedEnvelope(parsing: text) }
        let error = openError(text)
        #expect(error?.description.contains(problem) == true, "\(String(describing: error))")
        #expect(error?.description.contains(text) == false)
    }

    @Test func aNewerFormatVersionAsksForAnUpgrade() {
        #expect(openError("tresor-sealed.v2.AAAA") == .unsupportedVersion("2"))
        #expect(SealedValueError.unsupportedVersion("2").description.contains("upgrade tresor"))
    }

    @Test func publicKeyFileRoundTripsAndRejectsOtherText() throws {
        let parsed = try SealingPublicKey(fileText: publicKey.fileText)
        #expect(parsed.keyId == publicKey.keyId)
        #expect(publicKey.fileText.contains(publicKey.keyIdHex))
        #expect(try SealingPublicKey(privateKey: Array(privateKey.rawRepresentation)).keyId == publicKey.keyId)
        for bad in ["", "hello", "tresor-public-key.v1.AAAA", String(decoding: privateKey.rawRepresentation, as: UTF8.self)] {
            #expect(throws: SealingKeyError.self) { try SealingPublicKey(fileText: bad) }
        }
    }

    @Test func bindingsOfManifestPaths() {
        #expect(SealedBinding(kind: .secret, name: "a", manifestPath: "spec.content.password")?.field == "password")
        #expect(SealedBinding(kind: .secret, name: "a", manifestPath: "spec.content.data.db.url")?.field == "db.url")
        #expect(SealedBinding(kind: .vaultProfile, name: "v", manifestPath: "spec.provider.hashicorp.auth.token")?.field == "auth.token")
        #expect(SealedBinding(kind: .vaultProfile, name: "v", manifestPath: "spec.provider.hashicorp") == nil)
        #expect(SealedBinding(kind: .approvalProfile, name: "v", manifestPath: "spec.content.x") == nil)
    }
}
