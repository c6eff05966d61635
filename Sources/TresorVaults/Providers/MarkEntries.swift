import Foundation
import TresorCore

/// An ``OwnershipMark`` as flat string entries, for vaults that keep it in tags, labels or
/// annotations. Each provider puts its own prefix before the keys and keeps
/// `managed-by: tresor` where its vault can select on it.
///
/// | key | value |
/// |---|---|
/// | `secret` | the Secret's name |
/// | `type` | the secret type |
/// | `fingerprint` | the content fingerprint |
/// | `generated-at` | RFC 3339 time the generated values were made (optional) |
/// | `encoding` | a `generic` secret's `encoding` field, when it has one |
/// | `gen-<field>` | a generator digest, for a field of letters, digits and inner `-` |
/// | `genx-<hex of field>` | the same, for any other field name |
///
/// Every key is made of letters, digits and `-`, so it fits Azure tag names, GCP
/// annotation keys and Kubernetes annotation names alike.
enum MarkEntries {
    static let secretKey = "secret"
    static let typeKey = "type"
    static let fingerprintKey = "fingerprint"
    static let generatedAtKey = "generated-at"
    static let encodingKey = "encoding"

    static func encode(_ mark: OwnershipMark, encoding: String?) -> [String: String] {
        var entries = [secretKey: mark.secret, typeKey: mark.type.rawValue, fingerprintKey: mark.fingerprint]
        if let generatedAt = mark.generatedAt { entries[generatedAtKey] = StatusCoding.formatDate(generatedAt) }
        if let encoding { entries[encodingKey] = encoding }
        for (field, digest) in mark.generators { entries[generatorKey(field)] = digest }
        return entries
    }

    static func generatorKey(_ field: String) -> String {
        let plain =
            field.utf8.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") } && field.utf8.first.map(isAlnum) == true
            && field.utf8.last.map(isAlnum) == true
        return plain ? "gen-" + field : "genx-" + Hex.encode(Array(field.utf8))
    }

    /// The mark the entries make; `broken` builds the error for entries that do not make one.
    static func decode(_ entries: [String: String], broken: (String) -> VaultError) throws -> OwnershipMark {
        guard let secret = entries[secretKey], !secret.isEmpty else { throw broken("has no \(secretKey) entry") }
        guard let typeName = entries[typeKey] else { throw broken("has no \(typeKey) entry") }
        guard let type = SecretType(rawValue: typeName) else { throw broken("its \(typeKey) '\(typeName)' is not a secret type") }
        guard let fingerprint = entries[fingerprintKey] else { throw broken("has no \(fingerprintKey) entry") }
        var generatedAt: Date?
        if let text = entries[generatedAtKey] {
            guard let date = Timestamp(rfc3339: text)?.date else { throw broken("its \(generatedAtKey) '\(text)' is not an RFC 3339 time") }
            generatedAt = date
        }
        var generators: [String: String] = [:]
        for (key, digest) in entries {
            if key.hasPrefix("genx-") {
                guard let bytes = hexBytes(key.dropFirst(5)), let field = String(bytes: bytes, encoding: .utf8) else {
                    throw broken("the entry \(key) does not name a field in hex")
                }
                generators[field] = digest
            } else if key.hasPrefix("gen-"), key.count > 4 {
                generators[String(key.dropFirst(4))] = digest
            }
        }
        return OwnershipMark(secret: secret, type: type, fingerprint: fingerprint, generators: generators, generatedAt: generatedAt)
    }

    private static func hexBytes(_ text: Substring) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard !digits.isEmpty, digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }

    private static func isAlnum(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
