import Foundation
import FuzzSupport

@testable import TresorCore

/// Sealed value opening (`SealingKeyring.open`) with a fixed test key.
///
/// The input is opened as a sealed text, and is also read as edits to a value sealed to
/// that key: the first byte picks whether the edits apply to its text or to its raw bytes,
/// the rest are (offset, xor) triples. Property: a value with any byte changed never opens.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSealedValue(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzing(data, size) { input in
        let fixture = SealedFixture.shared
        if let opened = try? fixture.keyring.open(input.text, for: fixture.binding) {
            property(opened.reveal() == SealedFixture.plaintext && input.text == fixture.text, "a text other than the sealed value opened")
        }
        let (mode, edits) = input.choosing([SealedFixture.Edit.text, .raw])
        let original: [UInt8] = mode == .text ? Array(fixture.text.utf8) : fixture.raw
        var changed = original
        var index = 0
        while index + 2 < edits.count {
            let offset = (Int(edits[index]) << 8 | Int(edits[index + 1])) % changed.count
            changed[offset] ^= edits[index + 2]
            index += 3
        }
        guard changed != original else { return }
        let text = mode == .text ? String(decoding: changed, as: UTF8.self) : SealedEnvelope.prefix + SealedEnvelope.version + "." + Data(changed).base64EncodedString()
        property((try? fixture.keyring.open(text, for: fixture.binding)) == nil, "a sealed value with a changed \(mode) byte opened")
    }
}

/// Seals the fixture before the first input: its one-time allocations would otherwise
/// count as a leak of that input.
@_cdecl("LLVMFuzzerInitialize")
public func initializeSealedValue(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    _ = SealedFixture.shared
    return 0
}

/// A value sealed once per process to a fixed key: the encapsulated key differs from run
/// to run, which the property does not depend on.
struct SealedFixture: Sendable {
    enum Edit: String { case text, raw }

    static let plaintext = "fuzz-sealed-plaintext"
    static let shared = SealedFixture()

    let keyring: SealingKeyring
    let binding = SealedBinding(kind: .secret, name: "fuzz", field: "password")
    let text: String
    let raw: [UInt8]

    init() {
        let key: [UInt8] = (1...32).map { UInt8($0) }
        do {
            keyring = try SealingKeyring(privateKeys: [key])
            let envelope = try Sealer.seal(SecretValue(Self.plaintext), to: SealingPublicKey(privateKey: key), for: binding)
            text = envelope.text
            raw = envelope.keyId + envelope.bindingTag + envelope.encapsulatedKey + envelope.ciphertext
        } catch {
            preconditionFailure("the fixed test key does not seal: \(error)")
        }
    }
}
