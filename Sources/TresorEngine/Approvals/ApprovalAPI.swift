import Foundation
import TresorCore

/// The approval endpoints, independent of any HTTP server: the server hands over the
/// method, the path, the `Authorization` header and the body, and sends back the status
/// and JSON body returned.
///
/// ```
/// GET  /v1/approvals                    open requests
/// POST /v1/approvals/{id}/approve       body: {"comment": "…"} (optional)
/// POST /v1/approvals/{id}/reject
/// ```
///
/// Every request needs `Authorization: Bearer <token>` with a token of the tokens file
/// (401 otherwise). Deciding needs an identity listed in the request's `approvers`
/// (403 otherwise, and for self-approval); a stale, decided or expired request is 409.
public struct ApprovalAPI: Sendable {
    public struct Response: Sendable, Equatable {
        public var status: Int
        public var body: [UInt8]
    }

    public let service: ApprovalService
    public let tokens: ApprovalTokens
    public let clock: @Sendable () -> Date
    /// Called after each recorded decision: the daemon re-queues the secret here, so an
    /// approved change is performed at once rather than at the next resync.
    public let onDecision: (@Sendable (ApprovalRequest) -> Void)?

    public init(
        service: ApprovalService, tokens: ApprovalTokens, clock: @escaping @Sendable () -> Date = { Date() },
        onDecision: (@Sendable (ApprovalRequest) -> Void)? = nil
    ) {
        self.service = service
        self.tokens = tokens
        self.clock = clock
        self.onDecision = onDecision
    }

    public func handle(method: String, path: String, authorization: String?, body: [UInt8]) -> Response {
        let segments = path.split(separator: "?", maxSplits: 1).first.map { $0.split(separator: "/").map(String.init) } ?? []
        guard segments.count >= 2, segments[0] == "v1", segments[1] == "approvals" else {
            return error(404, "no such endpoint; the approval API serves /v1/approvals")
        }
        guard let identity = authenticate(authorization) else {
            return error(401, "missing or unknown bearer token; send `Authorization: Bearer <token>` with a token of the tokens file")
        }
        switch (method, segments.count) {
        case ("GET", 2):
            do {
                return json(200, try service.open(now: clock()).map(RequestDocument.init))
            } catch {
                return self.error(500, "\(error)")
            }
        case ("POST", 4) where segments[3] == "approve" || segments[3] == "reject":
            let id = segments[2].removingPercentEncoding ?? segments[2]
            return decide(id: id, verdict: segments[3] == "approve" ? .approve : .reject, identity: identity, body: body)
        case (_, 2), (_, 4):
            return error(405, "use GET /v1/approvals or POST /v1/approvals/{id}/approve|reject")
        default:
            return error(404, "no such endpoint")
        }
    }

    private func authenticate(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return tokens.identity(forToken: parts[1].trimmingCharacters(in: .whitespaces))
    }

    private struct DecisionBody: Decodable {
        var comment: String?
    }

    private func decide(id: String, verdict: ApprovalDecision.Verdict, identity: String, body: [UInt8]) -> Response {
        var comment: String?
        if !body.isEmpty {
            guard let decoded = try? JSONDecoder().decodeBounded(DecisionBody.self, from: Data(body)) else {
                return error(400, "the body must be a JSON object, optionally with a string \"comment\"")
            }
            comment = decoded.comment
        }
        do {
            guard let request = try service.request(id: id) else { return error(404, "no approval request '\(id)'") }
            guard request.policies.contains(where: { $0.approvers.contains(identity) }) else {
                return error(403, "'\(identity)' is not an approver of approval profile '\(request.policy.profile)'")
            }
            let decided = try service.decide(
                secret: nil, requestID: id, verdict: verdict, identity: identity, comment: comment, now: clock())
            onDecision?(decided)
            return json(200, RequestDocument(decided))
        } catch let refusal as ApprovalRefusal {
            switch refusal.kind {
            case .notFound: return error(404, refusal.description)
            case .forbidden: return error(403, refusal.description)
            case .closed: return error(409, refusal.description)
            }
        } catch {
            return self.error(500, "\(error)")
        }
    }

    /// A request as the API shows it: what is asked, by whom, and the decisions so far.
    struct RequestDocument: Encodable {
        var id, secret, operation, state, requester, approvalProfile: String
        var approvals: [String]
        var requiredApprovals: Int
        var sourceProfile: String
        var targets: [String]
        var fingerprint: String?
        var generatedFields: [String]
        var createdAt: String
        var expiresAt: String?
        /// `drift` for an update caused by drift; the operation stays `update`.
        var cause: String?
        var changes: [ApprovalTargetChange]?

        init(_ request: ApprovalRequest) {
            id = request.id
            secret = request.secret
            operation = request.binding.operation.rawValue
            state = request.state.rawValue
            requester = request.requester
            approvalProfile = request.policy.profile
            approvals = request.approvals
            requiredApprovals = request.policy.requiredApprovals
            sourceProfile = request.binding.sourceProfile
            targets = request.binding.targets
            fingerprint = request.binding.fingerprint
            generatedFields = request.binding.generatedFields
            createdAt = StatusCoding.formatDate(request.createdAt)
            expiresAt = request.expiresAt.map(StatusCoding.formatDate)
            cause = request.cause?.rawValue
            changes = request.changes
        }
    }

    private func json<T: Encodable>(_ status: Int, _ value: T) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(status: status, body: Array((try? encoder.encode(value)) ?? Data("{}".utf8)))
    }

    private func error(_ status: Int, _ message: String) -> Response {
        json(status, ["error": message])
    }
}
