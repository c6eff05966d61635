import Crypto
import Foundation

/// Keyed content fingerprints: `hmac-sha256:<hex>` over a canonical encoding of the
/// type and every field. Keyed, because a plain hash of a low-entropy password that
/// ends up in a GitOps repository can be brute-forced.
public struct Fingerprinter: Sendable {
    private let key: [UInt8]

    /// - Parameter key: the installation's fingerprint key (32 random bytes).
    public init(key: [UInt8]) {
        self.key = key
    }

    public func fingerprint(type: SecretType, content: [String: SecretValue]) -> String {
        var mac = HMAC<SHA256>(key: SymmetricKey(data: key))
        mac.update(data: Self.canonicalEncoding(type: type, content: content))
        return "hmac-sha256:" + Hex.encode(mac.finalize())
    }

    /// A domain tag, the type, then each field sorted by name, every part prefixed with
    /// its length, so that no two different contents encode alike (`a|b` + `c` and `a`
    /// + `b|c` cannot collide).
    static func canonicalEncoding(type: SecretType, content: [String: SecretValue]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        func append(_ text: String) {
            var length = UInt64(text.utf8.count).bigEndian
            withUnsafeBytes(of: &length) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: text.utf8)
        }
        append("tresor-content-v1")
        append(type.rawValue)
        append(String(content.count))
        for (field, value) in content.sorted(by: { $0.key < $1.key }) {
            append(field)
            append(value.reveal())
        }
        return bytes
    }
}

/// Lowercase hex without `String(format:)`, which costs a locale lookup per byte.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var utf8: [UInt8] = []
        for byte in bytes {
            utf8.append(digits[Int(byte >> 4)])
            utf8.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: utf8, as: UTF8.self)
    }
}
