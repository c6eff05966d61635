import Crypto

/// What a sealed value is bound to: the API version, the kind, the manifest's name and
/// the field. The binding is authenticated with the ciphertext, so a value copied to
/// another secret or field does not open.
public struct SealedBinding: Sendable, Hashable, CustomStringConvertible {
    public var kind: Kind
    public var name: String
    /// A Secret's content field (for `keyValue`, the key under `data`), or a VaultProfile
    /// credential's path under its provider block (`auth.token`, `auth.appRole.secretId`).
    public var field: String

    public init(kind: Kind, name: String, field: String) {
        self.kind = kind
        self.name = name
        self.field = field
    }

    /// The binding of the sealed value written at a manifest path (`spec.content.password`,
    /// `spec.content.data.API_KEY`, `spec.provider.hashicorp.auth.token`), nil for a path
    /// where no value may be sealed.
    public init?(kind: Kind, name: String, manifestPath path: String) {
        let field: Substring
        switch kind {
        case .secret:
            if path.hasPrefix("spec.content.data.") {
                field = path.dropFirst("spec.content.data.".count)
            } else if path.hasPrefix("spec.content.") {
                field = path.dropFirst("spec.content.".count)
            } else {
                return nil
            }
        case .vaultProfile:
            // spec.provider.<technology>.<credential path>
            let parts = path.split(separator: ".", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, parts[0] == "spec", parts[1] == "provider" else { return nil }
            field = parts[3]
        case .approvalProfile, .complianceProfile:
            return nil
        }
        guard !field.isEmpty else { return nil }
        self.init(kind: kind, name: name, field: String(field))
    }

    /// What is wrong with a binding given on the command line, nil when it is fine.
    public var problem: String? {
        guard Names.isObjectName(name) else {
            return "'\(Text.short(name))' is not a valid \(kind.rawValue) name; expected lowercase letters, digits, '-' and '.'"
        }
        guard !field.isEmpty, field.unicodeScalars.allSatisfy({ $0.isASCII && !$0.properties.isWhitespace }) else {
            return "'\(Text.short(field))' is not a field name; give the content field (for keyValue, the key under data) "
                + "or the credential's path under the provider block (auth.token)"
        }
        return nil
    }

    /// "Secret 'payments-db' field 'password'".
    public var description: String { "\(kind.rawValue) '\(name)' field '\(field)'" }

    /// Length-prefixed, so that no two bindings encode alike ("a.b"+"c" and "a"+"b.c").
    var associatedData: [UInt8] {
        var bytes: [UInt8] = []
        for part in [apiVersion, kind.rawValue, name, field] {
            let utf8 = Array(part.utf8)
            let count = UInt32(utf8.count)
            bytes += [UInt8(count >> 24), UInt8(truncatingIfNeeded: count >> 16), UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count)]
            bytes += utf8
        }
        return bytes
    }

    /// A short digest carried in clear in the envelope, so that a value sealed for another
    /// place is told apart from a tampered one (and found by `validate`, without a key).
    var tag: [UInt8] {
        Array(SHA256.hash(data: Array("tresor sealed binding".utf8) + associatedData).prefix(SealedEnvelope.bindingTagSize))
    }

    /// True when `envelope` was sealed for this binding (as far as its clear tag tells).
    public func matches(_ envelope: SealedEnvelope) -> Bool { envelope.bindingTag == tag }
}
