import Foundation
import TresorCore

/// What the approval endpoints do, apart from HTTP (the daemon routes them with
/// Hummingbird, `ApprovalRoutes`; the web page decides through ``decide(id:verdict:identity:comment:)``):
///
/// ```
/// GET  /v1/approvals                    open requests
/// POST /v1/approvals/{id}/approve       body: {"comment": "…"} (optional)
/// POST /v1/approvals/{id}/reject
/// ```
///
/// Every request needs `Authorization: Bearer <token>` with a token of the tokens file
/// (401 otherwise). Deciding needs an identity listed in the request's `approvers`
/// (403 otherwise, and for self-approval); a stale, decided or expired request is 409; a
/// standby replica answers a decision with 503 and records nothing.
public struct ApprovalAPI: Sendable {
    /// Why a call was refused, with the HTTP status it answers with.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var statusCode: Int
        public var message: String

        public init(_ statusCode: Int, _ message: String) {
            self.statusCode = statusCode
            self.message = message
        }

        public var description: String { message }

        public static let unauthenticated = Failure(
            401, "missing or unknown bearer token; send `Authorization: Bearer <token>` with a token of the tokens file")
    }

    public let service: ApprovalService
    public let tokens: ApprovalTokens
    public let clock: @Sendable () -> Date
    /// Called after each recorded decision: the daemon re-queues the secret here, so an
    /// approved change is performed at once rather than at the next resync.
    public let onDecision: (@Sendable (ApprovalRequest) -> Void)?
    /// Why this endpoint records no decision now (a standby replica: 503), nil when it does.
    public let refusesDecisions: (@Sendable () -> String?)?

    public init(
        service: ApprovalService, tokens: ApprovalTokens, clock: @escaping @Sendable () -> Date = { Date() },
        onDecision: (@Sendable (ApprovalRequest) -> Void)? = nil, refusesDecisions: (@Sendable () -> String?)? = nil
    ) {
        self.service = service
        self.tokens = tokens
        self.clock = clock
        self.onDecision = onDecision
        self.refusesDecisions = refusesDecisions
    }

    /// The identity of an `Authorization: Bearer <token>` header; throws 401 otherwise.
    public func identity(authorization header: String?) throws(Failure) -> String {
        guard let header else { throw .unauthenticated }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer",
            let identity = tokens.identity(forToken: parts[1].trimmingCharacters(in: .whitespaces))
        else { throw .unauthenticated }
        return identity
    }

    /// The open requests, oldest first.
    public func openRequests() throws(Failure) -> [RequestDocument] {
        do {
            return try service.open(now: clock()).map(RequestDocument.init)
        } catch {
            throw Failure(500, "\(error)")
        }
    }

    private struct DecisionBody: Decodable {
        var comment: String?
    }

    /// The comment of a decision's JSON body (`{"comment": "…"}`, or empty); 400 otherwise.
    public static func comment(fromBody body: [UInt8]) throws(Failure) -> String? {
        guard !body.isEmpty else { return nil }
        guard let decoded = try? JSONDecoder().decodeBounded(DecisionBody.self, from: Data(body)) else {
            throw Failure(400, "the body must be a JSON object, optionally with a string \"comment\"")
        }
        return decoded.comment
    }

    /// Records `identity`'s decision on request `id`, as `tresor approve|reject` does.
    public func decide(id: String, verdict: ApprovalDecision.Verdict, identity: String, comment: String?) throws(Failure) -> RequestDocument {
        if let reason = refusesDecisions?() { throw Failure(503, reason) }
        do {
            guard let request = try service.request(id: id) else { throw Failure(404, "no approval request '\(id)'") }
            guard request.policies.contains(where: { $0.approvers.contains(identity) }) else {
                throw Failure(403, "'\(identity)' is not an approver of approval profile '\(request.policy.profile)'")
            }
            let decided = try service.decide(
                secret: nil, requestID: id, verdict: verdict, identity: identity, comment: comment, now: clock())
            onDecision?(decided)
            return RequestDocument(decided)
        } catch let failure as Failure {
            throw failure
        } catch let refusal as ApprovalRefusal {
            switch refusal.kind {
            case .notFound: throw Failure(404, refusal.description)
            case .forbidden: throw Failure(403, refusal.description)
            case .closed: throw Failure(409, refusal.description)
            }
        } catch {
            throw Failure(500, "\(error)")
        }
    }

    /// A request as the API shows it: what is asked, by whom, and the decisions so far.
    public struct RequestDocument: Encodable, Sendable {
        public var id, secret, operation, state, requester, approvalProfile: String
        public var approvals: [String]
        public var requiredApprovals: Int
        public var sourceProfile: String
        public var targets: [String]
        public var fingerprint: String?
        public var generatedFields: [String]
        public var createdAt: String
        public var expiresAt: String?
        /// `drift` for an update caused by drift; the operation stays `update`.
        public var cause: String?
        public var changes: [ApprovalTargetChange]?

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
}
