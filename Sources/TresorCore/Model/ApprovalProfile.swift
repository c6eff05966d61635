/// An ApprovalProfile manifest: who must approve changes to a vault profile's secrets.
public struct ApprovalProfile: Sendable, Hashable {
    public var metadata: ObjectMeta
    public var spec: ApprovalProfileSpec
    public var origin: Origin

    public var name: String { metadata.name }
}

public struct ApprovalProfileSpec: Sendable, Hashable, ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case requiredApprovals, approvers, allowSelfApproval, expiresAfter }
    public static let schemaName = "ApprovalProfileSpec"
    public static let requiredFields: [Field] = [.approvers]

    public var requiredApprovals = 1
    public var approvers: [String]
    public var allowSelfApproval = false
    public var expiresAfter: Period?
}
