import Foundation
import TresorVaults

/// A browser without a browser: keeps the cookies the web page sets, reads the CSRF
/// token from each form, and never follows redirects (tests check them).
final class UIClient: @unchecked Sendable {
    struct Page {
        var status: Int
        var headers: [String: String]
        var body: String

        /// The value of the first hidden `csrf` field.
        var csrf: String? { Page.field("csrf", in: body) }

        static func field(_ name: String, in body: String) -> String? {
            guard let range = body.range(of: "name=\"\(name)\" value=\"") else { return nil }
            return String(body[range.upperBound...].prefix { $0 != "\"" })
        }

        /// Every `href` to a `/ui/` page.
        var links: [String] {
            body.components(separatedBy: "href=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
                .filter { $0.hasPrefix("/ui/") }.map { $0.replacingOccurrences(of: "&amp;", with: "&") }
        }
    }

    static let http = CurlHTTPClient()
    let base: String
    /// Cookie name → value, as a browser would keep them for `/ui`.
    private(set) var cookies: [String: String] = [:]

    init(port: Int, scheme: String = "http") {
        base = "\(scheme)://127.0.0.1:\(port)"
    }

    func get(_ path: String, tls: TLSOptions = TLSOptions()) async throws -> Page {
        try await send("GET", path, body: nil, tls: tls)
    }

    /// Posts a form (fields percent-encoded).
    func post(_ path: String, _ fields: [String: String], tls: TLSOptions = TLSOptions()) async throws -> Page {
        let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "")" }.joined(separator: "&")
        return try await send("POST", path, body: Array(body.utf8), tls: tls)
    }

    /// Signs in with `token` through the sign-in form.
    @discardableResult
    func signIn(_ token: String, tls: TLSOptions = TLSOptions()) async throws -> Page {
        let form = try await get("/ui/sign-in", tls: tls)
        return try await post("/ui/sign-in", ["token": token, "csrf": form.csrf ?? ""], tls: tls)
    }

    private func send(_ method: String, _ path: String, body: [UInt8]?, tls: TLSOptions) async throws -> Page {
        var headers: [(name: String, value: String)] = []
        if !cookies.isEmpty {
            headers.append((name: "Cookie", value: cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")))
        }
        if body != nil { headers.append((name: "Content-Type", value: "application/x-www-form-urlencoded")) }
        let response = try await Self.http.send(HTTPRequest(method: method, url: base + path, headers: headers, body: body), tls: tls)
        if let cookie = response.headers["set-cookie"] {
            let pair = cookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
            cookies[name] = cookie.contains("Max-Age=0") ? nil : value
        }
        return Page(status: response.status, headers: response.headers, body: String(decoding: response.body, as: UTF8.self))
    }

    func forget(_ cookie: String) { cookies[cookie] = nil }
    func set(_ cookie: String, _ value: String) { cookies[cookie] = value }
}
