import Foundation
import Hummingbird
import TresorCore
import TresorEngine

/// The approvers' and operators' web page under `/ui/`: sign-in with an approval-API
/// token, open approval requests and what each binds, and the secrets' status. Served
/// from the daemon's own listener, as server-rendered HTML that needs no script.
///
/// Decisions are not made here: the page sends them to ``ApprovalAPI`` with the session's
/// token, so they pass the same checks, carry the same seal and write the same audit
/// events as `POST /v1/approvals/{id}/approve`. Nothing on any page is a secret value;
/// the pages read status and approval files, which hold none.
///
/// ```swift
/// WebUI(api: api, statuses: StatusIndex(store: store), desired: { await controller.desiredState }, secure: false)
///     .register(on: router)
/// ```
public struct WebUI: Sendable {
    /// A form is a few short fields; anything longer is refused unread.
    static let maximumBody = 16 * 1024
    static let pageSize = 50

    let api: ApprovalAPI
    let statuses: StatusIndex
    let desired: @Sendable () async -> DesiredState?
    let sessions: UISessions
    /// Served over TLS: the cookies get `Secure`.
    let secure: Bool

    /// - Parameters:
    ///   - desired: the daemon's current desired state, for labels (status files carry none).
    ///   - secure: true when the listener speaks TLS.
    public init(api: ApprovalAPI, store: StateStore, desired: @escaping @Sendable () async -> DesiredState?, secure: Bool) {
        self.api = api
        self.statuses = StatusIndex(store: store)
        self.desired = desired
        self.sessions = UISessions()
        self.secure = secure
    }

    var now: Date { api.clock() }

    public func register(on router: Router<BasicRequestContext>) {
        router.get("/ui") { _, _ in UISecurityHeaders.apply(to: UIResponse.redirect(to: "/ui/approvals")) }
        let ui = router.group("/ui").add(middleware: UISecurityHeaders())
        ui.get("/static/ui.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: UIStyle.css)))
        }
        ui.get("/sign-in") { request, _ in signInPage(request) }
        ui.post("/sign-in") { request, _ in try await signIn(request) }
        ui.post("/sign-out") { request, _ in try await signOut(request) }
        ui.get("/approvals") { request, _ in try await approvalsPage(request) }
        ui.get("/approvals/:id") { request, context in try await requestPage(request, id: context.parameters.get("id") ?? "") }
        ui.post("/approvals/:id/decision") { request, context in
            try await decide(request, id: context.parameters.get("id") ?? "")
        }
        ui.get("/secrets") { request, _ in try await secretsPage(request) }
        ui.get("/secrets/:name") { request, context in try await secretPage(request, name: context.parameters.get("name") ?? "") }
        // Any other page under /ui/: a 404 that carries the security headers too.
        ui.get("/**") { _, _ in
            UIResponse.html(UIPage.message(title: "No such page", text: "There is no such page; start from the approvals."), status: .notFound)
        }
    }

    /// The signed-in session of a request, nil when there is none (or it expired).
    func session(_ request: Request) -> (id: String, session: UISessions.Session)? {
        guard let id = request.cookies[UIResponse.sessionCookie]?.value, let session = sessions.session(id: id, now: now) else { return nil }
        return (id, session)
    }

    func chrome(_ session: UISessions.Session, tab: UIPage.Tab?) -> UIPage.Chrome {
        UIPage.Chrome(identity: session.identity, csrf: session.csrf, tab: tab)
    }

    /// A form POST of a signed-in session with its CSRF token; nil (and the refusal to
    /// send) otherwise.
    func authorizedForm(_ request: Request) async throws -> Result<(session: UISessions.Session, id: String, form: UIForm), Refused> {
        let body = try await request.body.collect(upTo: Self.maximumBody)
        let form = UIForm(Substring(String(decoding: body.readableBytesView, as: UTF8.self)))
        guard let (id, session) = session(request) else {
            return .failure(Refused(response: UIResponse.html(
                UIPage.message(title: "Signed out", text: "Your session ended; sign in again. Nothing was changed."), status: .forbidden)))
        }
        guard let token = form["csrf"], UISessions.same(token, session.csrf) else {
            return .failure(Refused(response: UIResponse.html(
                UIPage.message(
                    title: "Form refused",
                    text: "The form's security token is missing or wrong (a form from another site, or an old page). "
                        + "Nothing was changed; reload the page and try again.",
                    chrome: chrome(session, tab: nil)),
                status: .forbidden)))
        }
        return .success((session, id, form))
    }

    struct Refused: Error {
        var response: Response
    }

    /// The query string of a GET, decoded.
    static func query(_ request: Request) -> UIForm { UIForm(Substring(request.uri.query ?? "")) }

    static func decoded(_ parameter: String) -> String { parameter.removingPercentEncoding ?? parameter }
}
