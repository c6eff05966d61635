import Foundation
import Hummingbird
import TresorEngine

/// The approval API (``ApprovalAPI``) on the daemon's endpoint: `GET /v1/approvals` and
/// `POST /v1/approvals/{id}/approve|reject`, every route behind the bearer-token check.
struct ApprovalRoutes: Sendable {
    /// A decision's body is a short JSON comment; anything longer is refused unread.
    static let maximumBody = 64 * 1024

    let api: ApprovalAPI

    func register(on router: Router<BasicRequestContext>) {
        let api = self.api
        let group = router.group("v1/approvals", context: ApprovalRequestContext.self)
            .add(middleware: BearerAuthentication(api: api))
        group.get { _, _ in try ApprovalJSON.response(.ok, try api.openRequests()) }
        group.post(":id/approve") { request, context in try await decide(.approve, request, context) }
        group.post(":id/reject") { request, context in try await decide(.reject, request, context) }
    }

    private func decide(_ verdict: ApprovalDecision.Verdict, _ request: Request, _ context: ApprovalRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let body = try await request.body.collect(upTo: Self.maximumBody)
        let comment = try ApprovalAPI.comment(fromBody: Array(body.readableBytesView))
        let decided = try api.decide(
            id: id.removingPercentEncoding ?? id, verdict: verdict, identity: try context.requireIdentity(), comment: comment)
        return try ApprovalJSON.response(.ok, decided)
    }
}

/// A request to the approval API: the identity its bearer token proved, once checked.
struct ApprovalRequestContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    var identity: String?

    init(context: BasicRequestContext) throws {
        // The parent's whole storage: `init(source:)` would drop the route's parameters.
        coreContext = context.coreContext
    }

    func requireIdentity() throws -> String {
        guard let identity else { throw ApprovalAPI.Failure.unauthenticated }
        return identity
    }
}

/// Every route of the group answers 401 unless the `Authorization` header carries a token
/// of the tokens file (read again when it changes: a revoked token is refused at once).
struct BearerAuthentication: RouterMiddleware {
    let api: ApprovalAPI

    func handle(
        _ request: Request, context: ApprovalRequestContext, next: (Request, ApprovalRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.identity = try api.identity(authorization: request.headers[.authorization])
        return try await next(request, context)
    }
}

/// A refusal as the API's clients read it: its status and `{"error": "<message>"}`.
extension ApprovalAPI.Failure: HTTPResponseError {
    public var status: HTTPResponse.Status { HTTPResponse.Status(code: statusCode) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try ApprovalJSON.response(status, ["error": message])
    }
}

enum ApprovalJSON {
    static func response(_ status: HTTPResponse.Status, _ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
