import Foundation
import Hummingbird

/// Sign-in with an approval-API token, and sign-out.
extension WebUI {
    func signInPage(_ request: Request, problem: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        if problem == nil, session(request) != nil { return UIResponse.redirect(to: "/ui/approvals") }
        let csrf = UISessions.randomToken()
        var notice: Markup = ""
        if let problem { notice = "<p class=\"notice refusal\">\(problem)</p>" }
        let body: Markup = """
            <form class="signin" method="post" action="/ui/sign-in"><h1>tresor approvals</h1>\(notice)
            <label for="token">Approval token</label>
            <input id="token" name="token" type="password" autocomplete="off" required autofocus>
            \(UIPage.csrfField(csrf))<button class="primary" type="submit">Sign in</button>
            <p class="muted">The token of the approval API (<code>tresor approvals token add</code>); it proves who you are.</p></form>
            """
        return UIResponse.html(
            UIPage.render(title: "Sign in", chrome: nil, body: body), status: status,
            cookies: [UIResponse.cookie(UIResponse.signInCookie, csrf, maxAge: 3600, secure: secure)])
    }

    func signIn(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: Self.maximumBody)
        let form = UIForm(Substring(String(decoding: body.readableBytesView, as: UTF8.self)))
        guard let expected = request.cookies[UIResponse.signInCookie]?.value, let given = form["csrf"], UISessions.same(given, expected) else {
            return signInPage(
                request, problem: "The sign-in form's security token is missing or wrong; nothing was done. Sign in on this page.",
                status: .forbidden)
        }
        guard let token = form.nonEmpty("token"), let identity = api.tokens.identity(forToken: token) else {
            return signInPage(request, problem: "That token is not in the daemon's tokens file.", status: .unauthorized)
        }
        let (id, _) = sessions.open(identity: identity, token: token, now: now)
        return UIResponse.redirect(
            to: "/ui/approvals",
            cookies: [
                UIResponse.cookie(UIResponse.signInCookie, "", maxAge: 0, secure: secure),
                UIResponse.cookie(UIResponse.sessionCookie, id, maxAge: Int(sessions.lifetime), secure: secure),
            ])
    }

    func signOut(_ request: Request) async throws -> Response {
        switch try await authorizedForm(request) {
        case .failure(let refused): return refused.response
        case .success(let signedIn):
            sessions.close(id: signedIn.id)
            return UIResponse.redirect(
                to: "/ui/sign-in", cookies: [UIResponse.cookie(UIResponse.sessionCookie, "", maxAge: 0, secure: secure)])
        }
    }
}
