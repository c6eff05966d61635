import Hummingbird

/// The web page's responses: HTML, redirects after a POST, and the session cookies.
enum UIResponse {
    static let sessionCookie = "tresor_session"
    /// Carries the sign-in form's CSRF token before there is a session (double submit).
    static let signInCookie = "tresor_signin"

    static func html(_ page: Markup, status: HTTPResponse.Status = .ok, cookies: [String] = []) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        for cookie in cookies { headers.append(HTTPFields.Element(name: .setCookie, value: cookie)) }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: page.description)))
    }

    /// 303 See Other: the browser follows with a GET, so a reload does not repeat a POST.
    static func redirect(to location: String, cookies: [String] = []) -> Response {
        var headers: HTTPFields = [.location: location]
        for cookie in cookies { headers.append(HTTPFields.Element(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }

    /// A cookie only this daemon's `/ui/` pages get back, never readable by script, never
    /// sent with a request that another site starts, and over TLS only when served so.
    static func cookie(_ name: String, _ value: String, maxAge: Int, secure: Bool) -> String {
        "\(name)=\(value); Path=/ui; Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }
}
