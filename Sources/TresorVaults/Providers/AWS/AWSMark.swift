import Foundation
import TresorCore

/// An ``OwnershipMark`` as Secrets Manager tags, and back.
///
/// | tag key | value |
/// |---|---|
/// | `managed-by` | `tresor` |
/// | `tresor-secret` | the Secret's name |
/// | `tresor-type` | the secret type |
/// | `tresor-fingerprint` | the content fingerprint (76 characters) |
/// | `tresor-generated-at` | RFC 3339 time the generated values were made (optional) |
/// | `tresor-encoding` | a `generic` secret's `encoding` field, when it has one |
/// | `tresor-gen-<field>` | one generator digest per generated field |
/// | `tresor-genb64-<base64 of field>` | the same, for a field name tags cannot hold |
///
/// AWS allows at most 50 tags, keys of at most 128 characters and values of at most 256,
/// made of letters, digits, spaces and `_ . : / = + - @`; keys must not start with
/// `aws:`. Every tresor value fits (names are DNS-1123, fingerprints and digests hex);
/// a generated `keyValue` key with other characters is written base64-encoded, whose
/// alphabet tags accept. Tags that are not tresor's are left as they are.
enum AWSMark {
    static let managedByKey = "managed-by"
    static let secretKey = "tresor-secret"
    static let typeKey = "tresor-type"
    static let fingerprintKey = "tresor-fingerprint"
    static let generatedAtKey = "tresor-generated-at"
    static let encodingKey = "tresor-encoding"
    static let generatorPrefix = "tresor-gen-"
    static let encodedGeneratorPrefix = "tresor-genb64-"
    static let maxTags = 50
    static let maxKeyLength = 128
    static let maxValueLength = 256

    /// tresor's tags for `mark` (and a generic secret's `encoding`), sorted by key.
    static func tags(_ mark: OwnershipMark, encoding: String?, path: String, server: String) throws -> [AWSTag] {
        var tags: [String: String] = [
            managedByKey: OwnershipMark.managedBy, secretKey: mark.secret, typeKey: mark.type.rawValue,
            fingerprintKey: mark.fingerprint,
        ]
        if let generatedAt = mark.generatedAt { tags[generatedAtKey] = AWSTime.format(generatedAt) }
        if let encoding { tags[encodingKey] = encoding }
        for (field, digest) in mark.generators {
            if isTagText(field), generatorPrefix.count + field.count <= maxKeyLength {
                tags[generatorPrefix + field] = digest
            } else {
                tags[encodedGeneratorPrefix + Data(field.utf8).base64EncodedString()] = digest
            }
        }
        for (key, value) in tags {
            guard key.count <= maxKeyLength, value.count <= maxValueLength, isTagText(key), isTagText(value) else {
                throw VaultError(
                    .invalidRequest,
                    "\(server): \(path): the ownership tag '\(key.prefix(40))' cannot be stored as an AWS tag (keys up to 128 and values up to 256 characters of letters, digits, spaces and _ . : / = + - @); shorten the generated field's name")
            }
        }
        return tags.map { AWSTag(key: $0.key, value: $0.value) }.sorted { $0.key < $1.key }
    }

    /// Keys tresor owns (and rewrites on every write).
    static func isTresorKey(_ key: String) -> Bool {
        key == managedByKey || key.hasPrefix("tresor-")
    }

    /// What AWS accepts in tag keys and values.
    static func isTagText(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || " _.:/=+-@".unicodeScalars.contains(scalar)
        }
    }

    /// The tag changes that turn `existing` into a set holding `wanted`: tags to set and
    /// tresor keys to remove. Other tools' tags are kept.
    static func changes(from existing: [AWSTag], to wanted: [AWSTag]) -> (set: [AWSTag], remove: [String]) {
        let current = Dictionary(existing.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        let wantedKeys = Set(wanted.map(\.key))
        let set = wanted.filter { current[$0.key] != $0.value }
        let remove = current.keys.filter { isTresorKey($0) && !wantedKeys.contains($0) }.sorted()
        return (set, remove)
    }

    /// The `encoding` a generic secret was written with, from its tags.
    static func encoding(_ tags: [AWSTag]?) -> String? {
        tags?.last { $0.key == encodingKey }?.value
    }

    /// Nil unless `managed-by` is `tresor`; throws when it is but the other tags do not
    /// make a mark.
    static func decode(_ tags: [AWSTag]?, path: String, server: String) throws -> OwnershipMark? {
        guard let tags else { return nil }
        let map = Dictionary(tags.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        guard map[managedByKey] == OwnershipMark.managedBy else { return nil }
        func broken(_ problem: String) -> VaultError {
            VaultError(
                .corrupted,
                "\(server): \(path) is tagged managed-by=tresor but \(problem); let tresor rewrite it (adopt: true) or remove the managed-by tag")
        }
        guard let secret = map[secretKey], !secret.isEmpty else { throw broken("has no \(secretKey) tag") }
        guard let typeName = map[typeKey] else { throw broken("has no \(typeKey) tag") }
        guard let type = SecretType(rawValue: typeName) else { throw broken("\(typeKey) '\(typeName)' is not a secret type") }
        guard let fingerprint = map[fingerprintKey] else { throw broken("has no \(fingerprintKey) tag") }
        var generatedAt: Date?
        if let text = map[generatedAtKey] {
            guard let date = AWSTime.parse(text) else { throw broken("\(generatedAtKey) '\(text)' is not an RFC 3339 time") }
            generatedAt = date
        }
        var generators: [String: String] = [:]
        for (key, digest) in map {
            if key.hasPrefix(encodedGeneratorPrefix) {
                guard let data = Data(base64Encoded: String(key.dropFirst(encodedGeneratorPrefix.count))),
                    let field = String(data: data, encoding: .utf8)
                else { throw broken("the tag \(key) does not name a field in base64") }
                generators[field] = digest
            } else if key.hasPrefix(generatorPrefix), key.count > generatorPrefix.count {
                generators[String(key.dropFirst(generatorPrefix.count))] = digest
            }
        }
        return OwnershipMark(secret: secret, type: type, fingerprint: fingerprint, generators: generators, generatedAt: generatedAt)
    }
}

/// RFC 3339 times in tags: milliseconds, UTC (as the status files write them).
enum AWSTime {
    static func format(_ date: Date) -> String { StatusCoding.formatDate(date) }

    static func parse(_ text: String) -> Date? { Timestamp(rfc3339: text)?.date }
}
