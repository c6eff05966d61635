import Crypto
import Foundation

/// Keyed content fingerprints: `hmac-sha256:<hex>` over a canonical encoding of the
/// type and every field. Keyed, because a plain hash of a low-entropy password that
/// ends up in a GitOps repository can be brute-forced.
public struct Fingerprinter: Sendable {
    private let keyed: KeyedMAC

    /// - Parameter key: the installation's fingerprint key (32 random bytes).
    public init(key: [UInt8]) {
        keyed = KeyedMAC(HMAC<SHA256>(key: SymmetricKey(data: key)))
    }

    public func fingerprint(type: SecretType, content: [String: SecretValue]) -> String {
        fingerprint(type: type, fields: content.map { ($0.key, $0.value.reveal()) })
    }

    /// The fingerprint of a content given as its fields' names (each once) and values.
    public func fingerprint(type: SecretType, fields: [(name: String, value: String)]) -> String {
        // A copy of the keyed state: the key's two blocks are hashed once, not per call.
        var mac = keyed.initial
        mac.update(data: Self.canonicalEncoding(type: type, fields: fields))
        return "hmac-sha256:" + Hex.encode(mac.finalize())
    }

    /// A domain tag, the type, then each field sorted by name, every part prefixed with
    /// its length, so that no two different contents encode alike (`a|b` + `c` and `a`
    /// + `b|c` cannot collide).
    static func canonicalEncoding(type: SecretType, fields: [(name: String, value: String)]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        func append(_ text: String) {
            var length = UInt64(text.utf8.count).bigEndian
            withUnsafeBytes(of: &length) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: text.utf8)
        }
        append("tresor-content-v1")
        append(type.rawValue)
        append(String(fields.count))
        for (field, value) in fields.sorted(by: { $0.name < $1.name }) {
            append(field)
            append(value)
        }
        return bytes
    }
}

/// The HMAC state after the key, shared by every copy: its hash contexts are copied on
/// first write, so concurrent fingerprints never touch it.
private final class KeyedMAC: @unchecked Sendable {
    let initial: HMAC<SHA256>

    init(_ initial: HMAC<SHA256>) {
        self.initial = initial
    }
}

/// Lowercase hex without `String(format:)`, which costs a locale lookup per byte.
public enum Hex {
    /// Inlinable, so that callers in other modules get a copy specialized for their digest
    /// type instead of a generic walk through its sequence.
    @inlinable
    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        // Every fingerprint and digest of every pass goes through here: the bytes are
        // copied once, and the text is written into a string of the final size.
        let bytes = Array(bytes)
        return String(unsafeUninitializedCapacity: bytes.count * 2) { text in
            var index = 0
            for byte in bytes {
                text[index] = digit(byte >> 4)
                text[index + 1] = digit(byte & 0x0F)
                index += 2
            }
            return index
        }
    }

    @usableFromInline
    static func digit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
