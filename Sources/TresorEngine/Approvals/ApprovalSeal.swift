import Crypto
import Foundation
import TresorCore
import TresorVaults

/// Makes approval records tamper-evident. Every decision carries an HMAC-SHA256, keyed
/// with `approvals.key` in the state directory (not the fingerprint key), over the
/// request it decides — id, secret, binding, policies, requester, creation time — and the
/// decision itself. The gate checks every decision before a held action runs and derives
/// the request's state from the decisions that pass; a hand-edited file (a decision added
/// or changed, a binding rewritten, `state: approved` set by hand) is refused.
public struct ApprovalSeal: Sendable {
    static let purpose = KeyFile.Purpose(
        owner: "approvals", loss: "every recorded approval decision then fails its check and has to be made again")

    private let key: [UInt8]

    public init(key: [UInt8]) {
        self.key = key
    }

    /// The MAC of `decision` on `request`.
    public func mac(_ decision: ApprovalDecision, on request: ApprovalRequest) -> String {
        var mac = HMAC<SHA256>(key: SymmetricKey(data: key))
        mac.update(data: Self.canonical(decision, on: request))
        return "hmac-sha256:" + Hex.encode(mac.finalize())
    }

    /// The MAC of another record kept beside the approvals (the rules in force), under a
    /// purpose of its own so that no record's MAC is valid for another kind.
    func mac(of bytes: [UInt8], purpose: String) -> String {
        var mac = HMAC<SHA256>(key: SymmetricKey(data: key))
        mac.update(data: Array(purpose.utf8) + [0] + bytes)
        return "hmac-sha256:" + Hex.encode(mac.finalize())
    }

    func verifies(_ recorded: String, of bytes: [UInt8], purpose: String) -> Bool {
        Self.equal(recorded, mac(of: bytes, purpose: purpose))
    }

    /// Why `request` fails its check; nil when every decision's MAC is right and the
    /// recorded state is the one its decisions give.
    public func problem(with request: ApprovalRequest) -> String? {
        for decision in request.decisions {
            guard let recorded = decision.mac else {
                return "the decision by '\(decision.identity)' carries no MAC"
            }
            guard Self.equal(recorded, mac(decision, on: request)) else {
                return "the decision by '\(decision.identity)' does not match its MAC (the request or the decision was edited)"
            }
        }
        let derived = request.derivedState
        if derived != request.state, !(request.state == .executed && derived == .approved),
            !(request.state == .superseded || request.state == .expired)
        {
            return "its state says \(request.state.rawValue), but its decisions make it \(derived.rawValue)"
        }
        return nil
    }

    /// Everything a decision vouches for, as length-prefixed fields (times to the
    /// millisecond, as the approvals file keeps them).
    static func canonical(_ decision: ApprovalDecision, on request: ApprovalRequest) -> [UInt8] {
        var bytes: [UInt8] = []
        func append(_ text: String) {
            var length = UInt64(text.utf8.count).bigEndian
            withUnsafeBytes(of: &length) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: text.utf8)
        }
        let binding = request.binding
        append("tresor-approval-decision-v1")
        for text in [request.id, request.secret, request.requester, StatusCoding.formatDate(request.createdAt)] { append(text) }
        append(binding.operation.rawValue)
        append(binding.sourceProfile)
        append(binding.previousSourceProfile ?? "")
        append(binding.targets.joined(separator: "\n"))
        append(binding.generation)
        append(binding.inputs ?? "")
        append(binding.fingerprint ?? "")
        append(binding.generatedFields.joined(separator: "\n"))
        for policy in request.policies {
            append(policy.profile)
            append(String(policy.requiredApprovals))
            append(policy.approvers.joined(separator: "\n"))
            append(String(policy.allowSelfApproval))
            append(String(policy.allowsDeclaredIdentity ?? false))
        }
        append(decision.identity)
        append(decision.verdict.rawValue)
        append(decision.comment ?? "")
        append(StatusCoding.formatDate(decision.at))
        // What the approver was shown (cause, changes per target), where the request records it.
        if let shown = request.shownCanonical { append(shown) }
        return bytes
    }

    private static func equal(_ left: String, _ right: String) -> Bool {
        let left = Array(left.utf8)
        let right = Array(right.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(left, right) { difference |= a ^ b }
        return difference == 0
    }
}

extension ApprovalRequest {
    /// The state the decisions give: rejected on any rejection, approved once every policy
    /// has its approvals, else pending.
    var derivedState: ApprovalRequestState {
        if rejection != nil { return .rejected }
        return isSatisfied ? .approved : .pending
    }
}

extension StateStore {
    public var approvalKeyPath: String { root + "/approvals.key" }

    /// The key of approval decisions' MACs, made on first use.
    public func approvalSeal() throws -> ApprovalSeal {
        if let etcd {
            return ApprovalSeal(
                key: try etcd.keyBytes(
                    etcd.approvalSealKey, protecting: [etcd.approvalsPrefix, etcd.rulesKey], what: "approval records and rules in force",
                    loss: "every recorded approval decision fail its check"))
        }
        return ApprovalSeal(
            key: try KeyGuard.key(
                at: approvalKeyPath, checkFile: root + "/approvals.check", purpose: ApprovalSeal.purpose,
                protected: {
                    KeyGuard.count(in: root + "/approvals", suffix: ".yaml") + (FileManager.default.fileExists(atPath: rulesPath) ? 1 : 0)
                }, what: "approval files in \(root)/approvals and the rules in force (\(rulesPath))",
                readOnly: readOnly))
    }
}
