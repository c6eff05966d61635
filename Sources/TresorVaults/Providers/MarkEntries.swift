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

    /// How a generated field's name stands in a key, and back. The entries above use
    /// ``hex``; vaults whose keys allow other characters keep their own form.
    struct GeneratorNames: Sendable {
        /// The key of a generator digest, for a field.
        var key: @Sendable (_ field: String) -> String
        /// The field a key names; nil when the key is not a generator's; throws a
        /// description of a generator key that names no field.
        var field: @Sendable (_ key: Substring) throws(Problem) -> String?

        /// `gen-<field>` for a field of letters, digits and inner `-`, else `genx-<hex of field>`.
        static let hex = GeneratorNames(
            key: { field in
                let plain =
                    field.utf8.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") } && field.utf8.first.map(isAlnum) == true
                    && field.utf8.last.map(isAlnum) == true
                return plain ? "gen-" + field : "genx-" + Hex.encode(Array(field.utf8))
            },
            field: { key throws(Problem) in
                guard key.hasPrefix("genx-") else { return plainField(key) }
                guard let bytes = hexBytes(key.dropFirst(5)), let field = String(bytes: bytes, encoding: .utf8) else {
                    throw Problem(description: "does not name a field in hex")
                }
                return field
            })

        /// `gen-<field>` whatever the field: for keys that hold any text.
        static let plain = GeneratorNames(key: { "gen-" + $0 }, field: { key throws(Problem) in plainField(key) })

        /// The field of a `gen-<field>` key.
        static func plainField(_ key: Substring) -> String? {
            key.hasPrefix("gen-") && key.count > 4 ? String(key.dropFirst(4)) : nil
        }
    }

    struct Problem: Error {
        var description: String
    }

    /// The mark's entries, keys without the vault's prefix.
    static func encode(_ mark: OwnershipMark, encoding: String?, generatorNames: GeneratorNames = .hex) -> [String: String] {
        var entries = [secretKey: mark.secret, typeKey: mark.type.rawValue, fingerprintKey: mark.fingerprint]
        if let generatedAt = mark.generatedAt { entries[generatedAtKey] = StatusCoding.formatDate(generatedAt) }
        if let encoding { entries[encodingKey] = encoding }
        for (field, digest) in mark.generators { entries[generatorNames.key(field)] = digest }
        return entries
    }

    /// The mark made by the entries of `stored` whose keys start with `prefix`; `broken`
    /// builds the error for entries that make none (its problem names the key).
    static func decode(
        _ stored: [String: String], under prefix: String, generatorNames: GeneratorNames = .hex, broken: (String) -> VaultError
    ) throws -> OwnershipMark {
        var entries: [String: String] = [:]
        for (key, value) in stored where key.hasPrefix(prefix) { entries[String(key.dropFirst(prefix.count))] = value }
        guard let secret = entries[secretKey], !secret.isEmpty else { throw broken("has no \(prefix + secretKey) entry") }
        guard let typeName = entries[typeKey] else { throw broken("has no \(prefix + typeKey) entry") }
        guard let type = SecretType(rawValue: typeName) else { throw broken("its \(prefix + typeKey) '\(typeName)' is not a secret type") }
        guard let fingerprint = entries[fingerprintKey] else { throw broken("has no \(prefix + fingerprintKey) entry") }
        var generatedAt: Date?
        if let text = entries[generatedAtKey] {
            guard let date = Timestamp(rfc3339: text)?.date else {
                throw broken("its \(prefix + generatedAtKey) '\(text)' is not an RFC 3339 time")
            }
            generatedAt = date
        }
        var generators: [String: String] = [:]
        for (key, digest) in entries {
            do {
                if let field = try generatorNames.field(Substring(key)) { generators[field] = digest }
            } catch {
                throw broken("the entry \(prefix + key) \(error.description)")
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
