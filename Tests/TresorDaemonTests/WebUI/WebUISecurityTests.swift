import Foundation
import Testing
import TresorCore
import TresorEngine
import TresorTestSupport

/// CSRF, escaping, security headers, and that no page ever holds a secret value.
@Suite(.serialized) struct WebUISecurityTests {
    @Test func aPostWithoutOrWithAWrongCSRFTokenIsRefusedAndChangesNothing() async throws {
        try await UIScenario.run { scenario in
            let path = try scenario.requestPath("db")
            let alice = try await scenario.signedIn("alice"), bob = try await scenario.signedIn("bob")
            let bobsToken = try #require(try await bob.get(path).csrf)
            let alicesToken = try #require(try await alice.get(path).csrf)
            #expect(bobsToken != alicesToken, "each session has its own token")

            let before = try scenario.decisionRecords()
            for fields in [
                ["verdict": "approve"], ["verdict": "approve", "csrf": ""], ["verdict": "approve", "csrf": String(alicesToken.reversed())],
                ["verdict": "approve", "csrf": bobsToken], ["verdict": "reject", "csrf": bobsToken],
            ] {
                let refused = try await alice.post(path + "/decision", fields)
                #expect(refused.status == 403, "refused: \(fields.keys.sorted())")
                #expect(refused.body.contains("Nothing was changed"))
            }
            // Signing out is a POST too.
            #expect(try await alice.post("/ui/sign-out", ["csrf": bobsToken]).status == 403)
            #expect(try await alice.get("/ui/approvals").status == 200, "still signed in")

            let after = try scenario.decisionRecords()
            #expect(after.approvals == before.approvals, "the approvals file is untouched")
            #expect(!after.audit.contains("\"operation\":\"approve\"") && !after.audit.contains("\"operation\":\"reject\""))
            // Without a session at all.
            let stranger = scenario.client()
            #expect(try await stranger.post(path + "/decision", ["verdict": "approve", "csrf": alicesToken]).status == 403)
            #expect(try scenario.decisionRecords().approvals == before.approvals)
        }
    }

    static let hostile = "\"><script>alert(1)</script>'"

    @Test func namesLabelsIdentitiesAndCommentsRenderEscaped() async throws {
        try await UIScenario.run(requester: Self.hostile, extraApprover: "<b onmouseover=alert(2)>eve</b>") { scenario in
            let path = try scenario.requestPath("db")
            let eve = try await scenario.signedIn("<b onmouseover=alert(2)>eve</b>")
            let decided = try await eve.post(
                path + "/decision", ["csrf": try #require(try await eve.get(path).csrf), "verdict": "approve", "comment": Self.hostile])
            #expect(decided.status == 303)

            // A manifest edit whose label value is hostile: the daemon keeps the last valid
            // state and flags db with a message that quotes the value.
            try scenario.daemon.write(
                try String(contentsOfFile: scenario.daemon.manifests + "/all.yaml", encoding: .utf8).replacingOccurrences(
                    of: "labels: {team: payments}", with: "labels: {team: '\(Self.hostile.replacingOccurrences(of: "'", with: "''"))'}"),
                to: "all.yaml")
            try await eventually("db flagged with the invalid manifest") {
                try StateStore(root: scenario.daemon.state).readStatus("db")?.condition(.ready)?.reason == .manifestInvalid
            }

            let pages = [
                try await eve.get(path), try await eve.get("/ui/approvals"), try await eve.get("/ui/secrets/db"),
                try await eve.get("/ui/secrets?label=" + (Self.hostile.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")),
                try await eve.get("/ui/approvals?label=" + (Self.hostile.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")),
                try await eve.get("/ui/secrets?q=%22%3E%3Cscript%3E"),
            ]
            for page in pages {
                #expect(page.status == 200)
                #expect(!page.body.contains("<script"), "no script element")
                #expect(!page.body.contains("<b onmouseover"), "no injected element")
            }
            #expect(pages[0].body.contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#39;"), "the requester and comment are shown, escaped")
            #expect(pages[0].body.contains("&lt;b onmouseover=alert(2)&gt;eve&lt;/b&gt;"), "the approver is shown, escaped")
            #expect(pages[2].body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the condition message is shown, escaped")
        }
    }

    @Test func everyPageCarriesTheCSPAndFrameHeadersAndNoPageHoldsASecretValue() async throws {
        try await UIScenario.run { scenario in
            let path = try scenario.requestPath("db")
            let alice = try await scenario.signedIn("alice"), bob = try await scenario.signedIn("bob")
            for browser in [alice, bob] {
                let page = try await browser.get(path)
                _ = try await browser.post(path + "/decision", ["csrf": page.csrf ?? "", "verdict": "approve"])
            }
            try await eventually("db active") { try StateStore(root: scenario.daemon.state).readStatus("db")?.state == .active }

            // Every page reachable from /ui/, signed in and not, and the error pages.
            // The request is performed, so no list links it any more: it is a seed.
            var seen = Set<String>()
            var queue = ["/ui/", "/ui/approvals", "/ui/secrets", "/ui/sign-in", "/ui/secrets/nope", "/ui/approvals/x~1", "/ui/no/such/page", path]
            var crawled: [(String, UIClient.Page)] = []
            while let next = queue.popLast(), crawled.count < 200 {
                guard seen.insert(next).inserted else { continue }
                let page = try await alice.get(next)
                crawled.append((next, page))
                queue += page.links.filter { !seen.contains($0) }
            }
            crawled.append(("/ui/approvals (signed out)", try await scenario.client().get("/ui/approvals")))
            crawled.append(("/ui/static/ui.css", try await alice.get("/ui/static/ui.css")))
            #expect(crawled.count > 8, "the crawl found the pages: \(crawled.map(\.0))")
            #expect(crawled.contains { $0.0 == "/ui/secrets/cache" } && crawled.contains { $0.0 == "/ui/secrets/db" })
            for (url, page) in crawled {
                #expect(page.headers["content-security-policy"]?.contains("default-src 'none'") == true, "CSP on \(url)")
                #expect(page.headers["content-security-policy"]?.contains("script-src") == false, "no script source on \(url)")
                #expect(page.headers["content-security-policy"]?.contains("frame-ancestors 'none'") == true, "frame-ancestors on \(url)")
                #expect(page.headers["x-frame-options"] == "DENY", "X-Frame-Options on \(url)")
                #expect(page.headers["x-content-type-options"] == "nosniff", "nosniff on \(url)")
                #expect(!page.body.contains("<script") && !page.body.contains(" style="), "no inline script or style on \(url)")
                #expect(page.body.range(of: #" on[a-z]+="#, options: .regularExpression) == nil, "no event handler attribute on \(url)")
                for (index, value) in scenario.values.enumerated() {
                    #expect(!page.body.contains(value), "secret value \(index) is not on \(url)")
                }
                for identity in scenario.tokens.keys {
                    #expect(!page.body.contains(scenario.tokens[identity] ?? "-"), "no token on \(url)")
                }
            }
        }
    }
}
