import Foundation
import TresorCore

/// The table of `tresor get approvals`.
public enum ApprovalTables {
    public static func table(_ requests: [ApprovalRequest]) -> String {
        guard !requests.isEmpty else { return "No approval requests are open.\n" }
        return StatusTables.table(
            ["REQUEST", "SECRET", "OPERATION", "STATE", "APPROVALS", "REQUESTER", "REQUESTED", "EXPIRES"],
            requests.map { request in
                [
                    request.id, request.secret, request.shownOperation, request.state.rawValue,
                    "\(request.approvals.count)/\(request.policy.requiredApprovals)", request.requester,
                    StatusCoding.formatDate(request.createdAt), request.expiresAt.map(StatusCoding.formatDate) ?? "-",
                ]
            })
    }
}
