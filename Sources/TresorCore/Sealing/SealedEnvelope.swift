import Foundation

/// The text of a sealed value: `tresor-sealed.v1.` and the standard base64 of
/// key id (8 bytes) ‖ binding tag (8) ‖ HPKE encapsulated key (32) ‖ ciphertext (the
/// value's UTF-8 and a 16-byte tag). Every character is safe in a plain YAML scalar.
public struct SealedEnvelope: Sendable, Hashable {
    public static let prefix = "tresor-sealed.v"
    public static let version = "1"
    static let keyIdSize = 8
    static let bindingTagSize = 8
    static let encapsulatedKeySize = 32
    static let aeadTagSize = 16
    static let headerSize = keyIdSize + bindingTagSize
    static let minimumSize = headerSize + encapsulatedKeySize + aeadTagSize + 1

    public var keyId: [UInt8]
    public var bindingTag: [UInt8]
    public var encapsulatedKey: [UInt8]
    public var ciphertext: [UInt8]

    init(keyId: [UInt8], bindingTag: [UInt8], encapsulatedKey: [UInt8], ciphertext: [UInt8]) {
        self.keyId = keyId
        self.bindingTag = bindingTag
        self.encapsulatedKey = encapsulatedKey
        self.ciphertext = ciphertext
    }

    /// Checks the shape (prefix, version, base64, lengths); needs no key.
    public init(parsing text: String) throws(SealedValueError) {
        guard text.hasPrefix(Self.prefix) else {
            throw .malformed("it does not start with '\(Self.prefix)\(Self.version).'")
        }
        let rest = text.dropFirst(Self.prefix.count)
        guard let dot = rest.firstIndex(of: ".") else {
            throw .malformed("it has no '.' after the format version")
        }
        let version = rest[..<dot]
        guard !version.isEmpty, version.allSatisfy(\.isASCII), version.allSatisfy(\.isNumber) else {
            throw .malformed("the format version after '\(Self.prefix)' is not a number")
        }
        guard version == Self.version else { throw .unsupportedVersion(String(version)) }
        let encoded = rest[rest.index(after: dot)...]
        // Only the one text `tresor seal` writes: base64 lets the unused low bits of the
        // last character vary, and a sealed value with a changed character must not open.
        guard let data = Data(base64Encoded: String(encoded)), data.base64EncodedString() == encoded else {
            throw .malformed("the text after '\(Self.prefix)\(Self.version).' is not valid base64 (was it cut, wrapped or edited?)")
        }
        guard data.count >= Self.minimumSize else {
            throw .malformed("it holds \(data.count) bytes, fewer than the \(Self.minimumSize) of the shortest sealed value (was it cut?)")
        }
        let bytes = [UInt8](data)
        keyId = Array(bytes[0..<Self.keyIdSize])
        bindingTag = Array(bytes[Self.keyIdSize..<Self.headerSize])
        encapsulatedKey = Array(bytes[Self.headerSize..<(Self.headerSize + Self.encapsulatedKeySize)])
        ciphertext = Array(bytes[(Self.headerSize + Self.encapsulatedKeySize)...])
    }

    /// The text `tresor seal` prints inside `{sealed: "…"}`.
    public var text: String {
        Self.prefix + Self.version + "." + Data(keyId + bindingTag + encapsulatedKey + ciphertext).base64EncodedString()
    }

    /// The key id in hex, as `tresor keys generate` prints it.
    public var keyIdHex: String { Hex.encode(keyId) }

    /// Authenticated with the ciphertext: the binding and the clear header.
    func associatedData(_ binding: SealedBinding) -> [UInt8] {
        binding.associatedData + keyId + bindingTag
    }
}
