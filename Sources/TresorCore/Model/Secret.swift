/// A Secret manifest: what must exist in its source vault and every sync target.
///
/// Its fields live in one shared, immutable box: a desired state of 100,000 secrets is
/// copied whenever one is edited while passes still hold the old state, and a copy then
/// costs one reference per secret instead of one per field (which made an edit 0.5 s).
public struct Secret: Sendable, Hashable {
    private final class Fields: Sendable {
        let metadata: ObjectMeta
        let spec: SecretSpec
        let origin: Origin

        init(_ metadata: ObjectMeta, _ spec: SecretSpec, _ origin: Origin) {
            self.metadata = metadata
            self.spec = spec
            self.origin = origin
        }
    }

    private var fields: Fields

    public init(metadata: ObjectMeta, spec: SecretSpec, origin: Origin) {
        fields = Fields(metadata, spec, origin)
    }

    public var metadata: ObjectMeta {
        get { fields.metadata }
        set { fields = Fields(newValue, fields.spec, fields.origin) }
    }

    public var spec: SecretSpec {
        get { fields.spec }
        set { fields = Fields(fields.metadata, newValue, fields.origin) }
    }

    public var origin: Origin {
        get { fields.origin }
        set { fields = Fields(fields.metadata, fields.spec, newValue) }
    }

    public static func == (lhs: Secret, rhs: Secret) -> Bool {
        lhs.fields === rhs.fields || (lhs.metadata == rhs.metadata && lhs.spec == rhs.spec && lhs.origin == rhs.origin)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(metadata)
        hasher.combine(spec)
        hasher.combine(origin)
    }

    public var name: String { metadata.name }
    /// Where the secret lives under each profile's prefix: `spec.path`, else its name.
    public var vaultPath: String { spec.path ?? metadata.name }
}

public enum DeletionPolicy: String, Sendable, Hashable, CaseIterable {
    /// Forget the secret and leave the vault copies in place.
    case retain = "Retain"
    /// Delete the vault copies when the Secret is removed from the manifests.
    case delete = "Delete"
}

public struct SecretSpec: Sendable, Hashable, ManifestObject {
    public enum Field: String, CaseIterable, Sendable {
        case type, vaultProfile, syncVaultProfiles, path, content, allowInlineValues, adopt
        case deletionPolicy, refreshInterval, rotation, expiresAt, enabled
    }
    public static let schemaName = "SecretSpec"
    public static let requiredFields: [Field] = [.type, .vaultProfile]
    public static let defaultRefreshInterval = Period(seconds: 600)

    public var type: SecretType
    public var vaultProfile: String
    public var syncVaultProfiles: [String] = []
    /// The path under the profile's prefix; the secret's name when nil.
    public var path: String?
    /// Nil for an external secret, whose content the source vault owns.
    public var content: SecretContent?
    public var allowInlineValues = false
    public var adopt = false
    public var deletionPolicy: DeletionPolicy = .retain
    public var refreshInterval: Period = SecretSpec.defaultRefreshInterval
    public var rotation: Rotation?
    public var expiresAt: Timestamp?
    public var enabled = true

    public init(type: SecretType, vaultProfile: String) {
        self.type = type
        self.vaultProfile = vaultProfile
    }

    public var isExternal: Bool { content == nil }
}

/// `rotation: {every: 90d}`: regenerate generated values on that period.
public struct Rotation: Sendable, Hashable, ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case every }
    public static let schemaName = "Rotation"
    public static let requiredFields: [Field] = [.every]

    public var every: Period
}
