import Foundation
import Testing

/// Signing in and out of the web page on a real `tresor run`.
@Suite(.serialized) struct WebUISessionTests {
    @Test func signInTakesAKnownTokenAndSetsAStrictHttpOnlyExpiringCookie() async throws {
        try await UIScenario.run { scenario in
            let browser = scenario.client()
            let unsigned = try await browser.get("/ui/approvals")
            #expect(unsigned.status == 303 && unsigned.headers["location"] == "/ui/sign-in")

            let unknown = try await browser.signIn("tresor_not-a-token")
            #expect(unknown.status == 401 && unknown.body.contains("not in the daemon&#39;s tokens file"))

            let signedIn = try await browser.signIn(try #require(scenario.tokens["alice"]))
            #expect(signedIn.status == 303 && signedIn.headers["location"] == "/ui/approvals")
            let cookie = try #require(signedIn.headers["set-cookie"])
            #expect(cookie.hasPrefix("tresor_session="))
            for attribute in ["HttpOnly", "SameSite=Strict", "Path=/ui", "Max-Age=28800"] {
                #expect(cookie.contains(attribute), "the session cookie has \(attribute)")
            }
            #expect(!cookie.contains("Secure"), "no Secure flag over plain HTTP (the browser would drop the cookie)")
            #expect(!cookie.contains(try #require(scenario.tokens["alice"])), "the cookie is a session id, not the token")

            let list = try await browser.get("/ui/approvals")
            #expect(list.status == 200 && list.body.contains("Signed in as <strong>alice</strong>"))

            let out = try await browser.post("/ui/sign-out", ["csrf": list.csrf ?? ""])
            #expect(out.status == 303 && out.headers["set-cookie"]?.contains("Max-Age=0") == true)
            #expect(try await browser.get("/ui/approvals").status == 303)
        }
    }

    @Test func aSignInFormWithoutItsOwnCSRFTokenIsRefused() async throws {
        try await UIScenario.run { scenario in
            let browser = scenario.client()
            // A sign-in posted from another site: no form cookie, a made-up token field.
            let forged = try await browser.post("/ui/sign-in", ["token": try #require(scenario.tokens["alice"]), "csrf": "0123"])
            #expect(forged.status == 403 && forged.headers["set-cookie"]?.hasPrefix("tresor_session=") != true)
            #expect(try await browser.get("/ui/approvals").status == 303)
        }
    }
}
