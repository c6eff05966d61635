import Foundation

/// An ApprovalProfile manifest: who must approve changes to a vault profile's secrets.
public struct ApprovalProfile: Sendable, Hashable {
    public var metadata: ObjectMeta
    public var spec: ApprovalProfileSpec
    public var origin: Origin

    public var name: String { metadata.name }

    public init(metadata: ObjectMeta, spec: ApprovalProfileSpec, origin: Origin) {
        self.metadata = metadata
        self.spec = spec
        self.origin = origin
    }
}

public struct ApprovalProfileSpec: Sendable, Hashable, Codable, ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case requiredApprovals, approvers, allowSelfApproval, expiresAfter, cliIdentity }
    public static let schemaName = "ApprovalProfileSpec"
    public static let requiredFields: [Field] = [.approvers]

    public var requiredApprovals = 1
    public var approvers: [String]
    public var allowSelfApproval = false
    public var expiresAfter: Period?
    /// How `tresor approve|reject` learns who decides: a token (the default) or `--as`.
    public var cliIdentity: CLIIdentity = .token

    public init(
        requiredApprovals: Int = 1, approvers: [String], allowSelfApproval: Bool = false, expiresAfter: Period? = nil,
        cliIdentity: CLIIdentity = .token
    ) {
        self.requiredApprovals = requiredApprovals
        self.approvers = approvers
        self.allowSelfApproval = allowSelfApproval
        self.expiresAfter = expiresAfter
        self.cliIdentity = cliIdentity
    }
}

/// How the command line proves who approves or rejects.
public enum CLIIdentity: String, Sendable, Hashable, CaseIterable, Codable {
    /// An approval-API token (`--token-file`, `TRESOR_APPROVAL_TOKEN`) maps to the identity.
    case token
    /// `--as ID` is taken at its word: for single-user setups only.
    case declared
}

/// Identities as tresor compares them: trimmed and case-folded, so `Alice@Example.com`
/// and `alice@example.com` are one person.
public enum ApprovalIdentity {
    public static func normalized(_ identity: String) -> String {
        // Asked for every secret of every pass, and nearly always already normal: printable
        // ASCII without capitals has nothing to trim or lower.
        if identity.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !(0x41...0x5A).contains($0) }) { return identity }
        return identity.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}
