/// Where a vault credential comes from. Credentials are never literals in a manifest.
public enum CredentialSource: Sendable, Hashable {
    case fromEnv(String)
    case fromFile(String)
    case sealed(String)
}

/// The accepted shapes of a credential value.
public enum CredentialSourceSpec: ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case fromEnv, fromFile, sealed }
    public static let schemaName = "CredentialSource"
    public static var keysMayHoldValues: Bool { true }
}
