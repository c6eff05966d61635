/// The API version every tresor manifest declares.
public let apiVersion = "tresor.dev/v1alpha1"

/// The four kinds of manifest.
public enum Kind: String, Sendable, Hashable, CaseIterable, Comparable {
    case vaultProfile = "VaultProfile"
    case secret = "Secret"
    case approvalProfile = "ApprovalProfile"
    case complianceProfile = "ComplianceProfile"

    public static func < (lhs: Kind, rhs: Kind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The fields every manifest has at its top level.
public enum ManifestEnvelope: ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case apiVersion, kind, metadata, spec }
    public static let schemaName = "Manifest"
    public static let requiredFields: [Field] = [.apiVersion, .kind, .metadata, .spec]
}

/// `metadata`: the name, labels and annotations of a manifest.
public struct ObjectMeta: Sendable, Hashable, ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case name, labels, annotations }
    public static let schemaName = "ObjectMeta"
    public static let requiredFields: [Field] = [.name]

    public var name: String
    public var labels: [String: String]
    public var annotations: [String: String]

    public init(name: String, labels: [String: String] = [:], annotations: [String: String] = [:]) {
        self.name = name
        self.labels = labels
        self.annotations = annotations
    }
}

/// A manifest's place in the sources, for messages about the object as a whole.
public struct Origin: Sendable, Hashable {
    /// Where `metadata.name` is written.
    public var location: SourceLocation
    /// Where particular fields are written, keyed by their path (`spec.vaultProfile`,
    /// `spec.syncVaultProfiles[1]`, `spec.content.password`).
    public var fields: [String: SourceLocation]

    public init(location: SourceLocation, fields: [String: SourceLocation] = [:]) {
        self.location = location
        self.fields = fields
    }

    public subscript(path: String) -> SourceLocation { fields[path] ?? location }
}
