import Foundation
import TresorCore

/// The frame every page shares, and the small pieces the pages are made of.
enum UIPage {
    enum Tab { case approvals, secrets }

    /// Who is signed in, for the header and its sign-out form.
    struct Chrome {
        var identity: String
        var csrf: String
        var tab: Tab?
    }

    static func render(title: String, chrome: Chrome?, body: Markup) -> Markup {
        var header: Markup = ""
        if let chrome {
            let active: Markup = " class=\"active\""
            header = """
                <header><a href="/ui/approvals"\(chrome.tab == .approvals ? active : "")>Approvals</a>\
                <a href="/ui/secrets"\(chrome.tab == .secrets ? active : "")>Secrets</a>\
                <span class="who">Signed in as <strong>\(chrome.identity)</strong></span>\
                <form method="post" action="/ui/sign-out">\(csrfField(chrome.csrf))<button type="submit">Sign out</button></form></header>
                """
        }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · tresor</title><link rel="stylesheet" href="/ui/static/ui.css"></head>
            <body>\(header)<main>\(body)</main></body></html>

            """
    }

    static func message(title: String, text: String, chrome: Chrome? = nil) -> Markup {
        render(title: title, chrome: chrome, body: "<h1>\(title)</h1><p class=\"notice refusal\">\(text)</p><p><a href=\"/ui/\">Back</a></p>")
    }

    static func csrfField(_ token: String) -> Markup { "<input type=\"hidden\" name=\"csrf\" value=\"\(token)\">" }

    /// A state as a coloured badge; its class is derived from known states only.
    static func badge(_ state: String) -> Markup {
        let known = state.allSatisfy { $0.isLetter }
        return known ? "<span class=\"state state-\(state)\">\(state)</span>" : "<span class=\"state\">\(state)</span>"
    }

    static func time(_ date: Date?) -> String { date.map(StatusCoding.formatDate) ?? "-" }

    /// "3m", "2h", "4d": how long ago (or, negative, how long until).
    static func age(_ date: Date, now: Date) -> String {
        let seconds = Int(now.timeIntervalSince(date))
        let magnitude = abs(seconds)
        let text =
            magnitude < 60 ? "\(magnitude)s" : magnitude < 3600 ? "\(magnitude / 60)m" : magnitude < 86400 ? "\(magnitude / 3600)h" : "\(magnitude / 86400)d"
        return seconds < 0 ? "in " + text : text
    }

    static func link(_ path: String, _ text: String) -> Markup { "<a href=\"\(path)\">\(text)</a>" }

    static func secretPath(_ name: String) -> String { "/ui/secrets/" + (name.addingPercentEncoding(withAllowedCharacters: UIForm.unreserved) ?? name) }

    static func requestPath(_ id: String) -> String { "/ui/approvals/" + (id.addingPercentEncoding(withAllowedCharacters: UIForm.unreserved) ?? id) }

    static func fingerprint(_ value: String?) -> Markup {
        guard let value else { return "<span class=\"muted\">none</span>" }
        return "<span class=\"fp\" title=\"\(value)\">\(short(value))</span>"
    }

    /// `hmac-sha256:` and the first 12 hex digits: enough to compare by eye.
    static func short(_ fingerprint: String) -> String {
        guard let colon = fingerprint.firstIndex(of: ":") else { return String(fingerprint.prefix(16)) }
        return String(fingerprint[...colon]) + String(fingerprint[fingerprint.index(after: colon)...].prefix(12))
    }

    static func labels(_ labels: [String: String]) -> Markup {
        let items: [Markup] = labels.sorted { $0.key < $1.key }.map { label in "<code>\(label.key)=\(label.value)</code> " }
        return "\(items)"
    }
}
