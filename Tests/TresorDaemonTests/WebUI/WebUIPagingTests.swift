import Foundation
import Testing
import TresorEngine

/// The secrets list in pages of 50, filters kept across pages.
@Suite(.serialized) struct WebUIPagingTests {
    @Test func theSecretsListIsPagedFiftyToAPageAndKeepsItsFilters() async throws {
        let directory = try DaemonProcess.workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var text = "apiVersion: tresor.dev/v1alpha1\nkind: VaultProfile\nmetadata: {name: open}\nspec: {provider: {local: {}}}\n"
        for index in 0..<120 {
            text += "---\napiVersion: tresor.dev/v1alpha1\nkind: Secret\nmetadata: {name: s-\(String(format: "%03d", index)), labels: {half: h\(index % 2)}}\n"
                + "spec: {type: apiKey, vaultProfile: open, allowInlineValues: true, content: {content: paged-value-\(index)}}\n"
        }
        try text.write(toFile: directory + "/manifests/all.yaml", atomically: true, encoding: .utf8)
        let alice = ApprovalTokens.make(identity: "alice")
        try (alice.line + "\n").write(toFile: directory + "/tokens", atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess.start(in: directory, environment: [:], arguments: ["--approval-tokens", directory + "/tokens"])
        do {
            try await daemon.waitUntilReady()
            let browser = UIClient(port: daemon.port)
            try await browser.signIn(alice.token)
            let first = try await browser.get("/ui/secrets")
            #expect(first.body.contains("Page 1 of 3") && first.body.components(separatedBy: "<tr><td><a href=\"/ui/secrets/").count - 1 == 50)
            #expect(first.body.contains(">s-000</a>") && !first.body.contains(">s-050</a>"))
            let last = try await browser.get("/ui/secrets?page=3")
            #expect(last.body.contains("Page 3 of 3") && last.body.contains(">s-119</a>") && !last.body.contains("Next"))
            #expect(last.body.components(separatedBy: "<tr><td><a href=\"/ui/secrets/").count - 1 == 20)

            // Half of them: two pages, and the link to the second keeps the filter.
            let half = try await browser.get("/ui/secrets?label=half%3Dh1")
            #expect(half.body.contains("60 of 120 secrets") && half.body.contains("Page 1 of 2"))
            let next = try #require(half.links.first { $0.contains("page=2") })
            #expect(next.contains("label=half%3Dh1"))
            let second = try await browser.get(next)
            #expect(second.body.contains(">s-119</a>") && !second.body.contains(">s-118</a>"))
            #expect(try await browser.get("/ui/secrets?page=99").body.contains("Page 3 of 3"), "a page past the end shows the last")
        } catch {
            await daemon.kill9()
            throw error
        }
        await daemon.kill9()
    }
}
