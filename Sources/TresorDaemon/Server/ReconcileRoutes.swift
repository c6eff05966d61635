import Foundation
import Hummingbird
import TresorEngine

/// `POST /reconcile` and `POST /reconcile/{name}`: a pass now instead of at the next
/// resync (`tresor reconcile`). Callers prove themselves with a token of the approval
/// API's tokens file, so the route is served only with `--approval-tokens`.
struct ReconcileRoutes: Sendable {
    let tokens: ApprovalTokens
    let slot: ControllerSlot
    let health: DaemonHealth

    func register(on router: Router<BasicRequestContext>) {
        router.post("/reconcile") { request, _ in await handle(request, name: nil) }
        router.post("/reconcile/:name") { request, context in await handle(request, name: context.parameters.get("name")) }
    }

    private func handle(_ request: Request, name: String?) async -> Response {
        let header = request.headers[.authorization] ?? ""
        guard header.hasPrefix("Bearer "), let identity = tokens.identity(forToken: String(header.dropFirst(7))) else {
            return Self.json(.unauthorized, ["error": "missing or unknown bearer token; send `Authorization: Bearer <token>` with a token of the tokens file"])
        }
        guard let controller = slot.controller else {
            return Self.json(.serviceUnavailable, ["error": "not reconciling: \(health.notReadyReason)"])
        }
        guard let queued = await controller.reconcileNow(name) else {
            return Self.json(.notFound, ["error": "no Secret '\(name ?? "")' is declared or managed"])
        }
        return Self.json(.accepted, ["queued": queued.joined(separator: ","), "by": identity])
    }

    static func json(_ status: HTTPResponse.Status, _ fields: [String: String]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data()
        return Response(
            status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: Array(data) + [10])))
    }
}
