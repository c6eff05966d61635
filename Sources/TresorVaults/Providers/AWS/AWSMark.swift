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
    /// Before each of ``MarkEntries``' keys.
    static let prefix = "tresor-"
    static let maxTags = 50
    static let maxKeyLength = 128
    static let maxValueLength = 256

    /// `gen-<field>` when a tag key can hold the field's name, else `genb64-<base64 of field>`.
    static let generatorNames = MarkEntries.GeneratorNames(
        key: { field in
            isTagText(field) && prefix.count + 4 + field.count <= maxKeyLength
                ? "gen-" + field : "genb64-" + Data(field.utf8).base64EncodedString()
        },
        field: { key throws(MarkEntries.Problem) in
            guard key.hasPrefix("genb64-") else { return MarkEntries.GeneratorNames.plainField(key) }
            guard let data = Data(base64Encoded: String(key.dropFirst(7))), let field = String(data: data, encoding: .utf8) else {
                throw MarkEntries.Problem(description: "does not name a field in base64")
            }
            return field
        })

    /// tresor's tags for `mark` (and a generic secret's `encoding`), sorted by key.
    static func tags(_ mark: OwnershipMark, encoding: String?, path: String, server: String) throws -> [AWSTag] {
        var tags = [managedByKey: OwnershipMark.managedBy]
        for (key, value) in MarkEntries.encode(mark, encoding: encoding, generatorNames: generatorNames) { tags[prefix + key] = value }
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
        key == managedByKey || key.hasPrefix(prefix)
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
        tags?.last { $0.key == prefix + MarkEntries.encodingKey }?.value
    }

    /// Nil unless `managed-by` is `tresor`; throws when it is but the other tags do not
    /// make a mark.
    static func decode(_ tags: [AWSTag]?, path: String, server: String) throws -> OwnershipMark? {
        guard let tags else { return nil }
        let map = Dictionary(tags.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        guard map[managedByKey] == OwnershipMark.managedBy else { return nil }
        return try MarkEntries.decode(map, under: prefix, generatorNames: generatorNames) { problem in
            VaultError(
                .corrupted,
                "\(server): \(path) is tagged managed-by=tresor but \(problem); let tresor rewrite it (adopt: true) or remove the managed-by tag")
        }
    }
}
