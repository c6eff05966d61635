import Hummingbird

/// The headers every `/ui/` response carries, errors included: no script at all (the
/// pages need none), no framing (clickjacking an Approve button), no caching of pages that
/// show who may approve what, and no referrer leaving the daemon.
struct UISecurityHeaders: RouterMiddleware {
    typealias Context = BasicRequestContext

    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    static let all: [(HTTPFields.Element.Name, String)] = [
        (.contentSecurityPolicy, contentSecurityPolicy),
        (field("X-Frame-Options"), "DENY"),
        (field("X-Content-Type-Options"), "nosniff"),
        (field("Referrer-Policy"), "no-referrer"),
        (.cacheControl, "no-store"),
    ]

    private static func field(_ name: String) -> HTTPFields.Element.Name {
        guard let field = HTTPFields.Element.Name(name) else { preconditionFailure("\(name) is a valid field name") }
        return field
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let status = (error as? HTTPResponseError)?.status ?? .internalServerError
            response = UIResponse.html(
                UIPage.message(title: status.reasonPhrase, text: "The page answered \(status.code) \(status.reasonPhrase)."),
                status: status)
        }
        return Self.apply(to: response)
    }

    static func apply(to response: Response) -> Response {
        var response = response
        for (name, value) in all { response.headers[name] = value }
        return response
    }
}
