import Foundation
import TresorCore

/// Why a request was made, where its operation alone does not say it.
public enum ApprovalCause: String, Sendable, Codable {
    /// Generated or external content changed outside tresor in the source: the request
    /// copies the new content on (an update or create the manifests did not ask for).
    case drift
}

/// What a request changes at one target, as its approvers are shown it. Not part of the
/// binding: the executor compares bindings only, and this is what the approver reads.
public struct ApprovalTargetChange: Sendable, Codable, Hashable {
    /// `profile:path`, as in the binding's targets.
    public var target: String
    public var role: TargetRole
    /// The planned action (`create`, `update`, `move`, `delete`, …).
    public var action: String
    /// What the target held when the request was made, and its vault version then.
    public var fromFingerprint: String?
    public var fromVaultVersion: String?
    /// What it gets; nil for a delete, or while fields wait to be generated.
    public var toFingerprint: String?
    /// Field names added, removed and changed; nil where what the target held was not read.
    public var fields: FieldChanges?

    public init(
        target: String, role: TargetRole, action: String, fromFingerprint: String? = nil, fromVaultVersion: String? = nil,
        toFingerprint: String? = nil, fields: FieldChanges? = nil
    ) {
        self.target = target
        self.role = role
        self.action = action
        self.fromFingerprint = fromFingerprint
        self.fromVaultVersion = fromVaultVersion
        self.toFingerprint = toFingerprint
        self.fields = fields
    }

    init(_ line: PlannedTarget) {
        self.init(
            target: "\(line.profile):\(line.path)", role: line.role, action: line.action.description, fromFingerprint: line.fromFingerprint,
            fromVaultVersion: line.observedVaultVersion, toFingerprint: line.isDelete ? nil : line.toFingerprint, fields: line.fields)
    }
}

extension ApprovalRequest {
    /// The operation as approvers read it: `drift` for an update caused by drift.
    public var shownOperation: String { cause == .drift ? "drift" : binding.operation.rawValue }

    /// What a decision's MAC covers of the cause and the changes shown: nil when the
    /// request has neither, so that the MACs of requests made before they were recorded
    /// still verify.
    var shownCanonical: String? {
        guard cause != nil || changes != nil || ruleChanges != nil else { return nil }
        struct Shown: Encodable {
            var cause: ApprovalCause?
            var changes: [ApprovalTargetChange]?
            var ruleChanges: [String]?
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding strings, enums and arrays of them cannot fail; were it to, no MAC would match.
        return (try? encoder.encode(Shown(cause: cause, changes: changes, ruleChanges: ruleChanges))).map { String(decoding: $0, as: UTF8.self) } ?? "unencodable"
    }
}
