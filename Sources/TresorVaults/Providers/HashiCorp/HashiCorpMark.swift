import Foundation
import TresorCore

/// An ``OwnershipMark`` as KV v2 `custom_metadata` keys, and back.
enum HashiCorpMark {
    static let managedByKey = "managed-by"
    static let secretKey = "tresor-secret"
    static let typeKey = "tresor-type"
    static let fingerprintKey = "tresor-fingerprint"
    static let generatedAtKey = "tresor-generated-at"
    /// Followed by the generated field's name.
    static let generatorPrefix = "tresor-gen-"

    /// The mark's keys; merged over `keeping`'s keys that are not tresor's.
    static func encode(_ mark: OwnershipMark, keeping existing: [String: String] = [:]) -> [String: String] {
        var result = existing.filter { !isTresorKey($0.key) }
        result[managedByKey] = OwnershipMark.managedBy
        result[secretKey] = mark.secret
        result[typeKey] = mark.type.rawValue
        result[fingerprintKey] = mark.fingerprint
        if let generatedAt = mark.generatedAt { result[generatedAtKey] = HashiCorpTime.format(generatedAt) }
        for (field, digest) in mark.generators { result[generatorPrefix + field] = digest }
        return result
    }

    /// Keys tresor owns (and rewrites on every write).
    static func isTresorKey(_ key: String) -> Bool {
        key == managedByKey || key.hasPrefix("tresor-")
    }

    /// Nil unless `managed-by` is `tresor`; throws when it is but the other keys do not
    /// make a mark.
    static func decode(_ metadata: [String: String]?, path: String, server: String) throws -> OwnershipMark? {
        guard let metadata, metadata[managedByKey] == OwnershipMark.managedBy else { return nil }
        func broken(_ problem: String) -> VaultError {
            VaultError(
                .corrupted,
                "\(server): \(path) has custom_metadata managed-by=tresor but \(problem); let tresor rewrite it (adopt: true) or remove managed-by")
        }
        guard let secret = metadata[secretKey], !secret.isEmpty else { throw broken("no \(secretKey)") }
        guard let typeName = metadata[typeKey] else { throw broken("no \(typeKey)") }
        guard let type = SecretType(rawValue: typeName) else { throw broken("\(typeKey) '\(typeName)' is not a secret type") }
        guard let fingerprint = metadata[fingerprintKey] else { throw broken("no \(fingerprintKey)") }
        var generatedAt: Date?
        if let text = metadata[generatedAtKey] {
            guard let date = HashiCorpTime.parse(text) else { throw broken("\(generatedAtKey) '\(text)' is not an RFC 3339 time") }
            generatedAt = date
        }
        var generators: [String: String] = [:]
        for (key, digest) in metadata where key.hasPrefix(generatorPrefix) && key.count > generatorPrefix.count {
            generators[String(key.dropFirst(generatorPrefix.count))] = digest
        }
        return OwnershipMark(secret: secret, type: type, fingerprint: fingerprint, generators: generators, generatedAt: generatedAt)
    }
}
