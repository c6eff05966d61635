import Hummingbird
import TresorEngine

/// The approval API (`ApprovalAPI`) on the daemon's endpoint: `GET /v1/approvals` and
/// `POST /v1/approvals/{id}/approve|reject`. Authentication and decisions are the API's;
/// this only carries the method, path, `Authorization` header and body across.
struct ApprovalRoutes: Sendable {
    /// A decision's body is a short JSON comment; anything longer is refused unread.
    static let maximumBody = 64 * 1024

    let api: ApprovalAPI

    func register(on router: Router<BasicRequestContext>) {
        router.get("/v1/approvals") { request, _ in try await handle(request) }
        router.post("/v1/approvals/:id/approve") { request, _ in try await handle(request) }
        router.post("/v1/approvals/:id/reject") { request, _ in try await handle(request) }
    }

    private func handle(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: Self.maximumBody)
        let answer = api.handle(
            method: request.method.rawValue, path: request.uri.path, authorization: request.headers[.authorization],
            body: Array(body.readableBytesView))
        return Response(
            status: HTTPResponse.Status(code: answer.status), headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
