import Foundation
import Testing
import TresorCore
import TresorEngine
import TresorVaults
import TresorTestSupport

/// The web page in a real browser: Debian's chromium, headless, driven by
/// Tests/Browser/webui_scenario.py through chromedriver, against `tresor run` and OpenBao.
/// Set TRESOR_UI_SCREENSHOTS=docs to refresh the README's screenshots.
@Suite(.openBaoDevServer, .serialized, .enabled(if: OpenBaoDevServer.enabled))
struct WebUIBrowserTests {
    var server: OpenBaoDevServer { OpenBaoDevServer.current! }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Browser/webui_scenario.py").path

    static func manifests(_ m: BaoManifests, password: String) -> String {
        """
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: bao}
        spec:
          approvalProfile: two-person
          complianceProfile: baseline
          provider:
            hashicorp: {address: \(m.address), mount: secret, pathPrefix: \(m.prefix), auth: {token: {fromEnv: BAO_TEST_TOKEN}}}
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: bao-dr}
        spec:
          provider:
            hashicorp: {address: \(m.address), mount: secret, pathPrefix: \(m.prefix)-dr, auth: {token: {fromEnv: BAO_TEST_TOKEN}}}
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: ComplianceProfile
        metadata: {name: baseline}
        spec:
          enforcement: audit
          rules:
            - {name: long, minLength: {min: 24}}
            - {name: mixed, appliesTo: [basicAuth], characterClasses: {required: [lower, digit]}}
            - {name: owned, requiredLabels: {labels: [team]}}
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: ApprovalProfile
        metadata: {name: two-person}
        spec: {requiredApprovals: 2, approvers: [alice, bob, carol]}
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: Secret
        metadata: {name: payments-db, labels: {team: payments}}
        spec: {type: basicAuth, vaultProfile: bao, syncVaultProfiles: [bao-dr], allowInlineValues: true, content: {username: app, password: "\(password)"}}
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: Secret
        metadata: {name: payments-api, labels: {team: payments}}
        spec: {type: apiKey, vaultProfile: bao, allowInlineValues: true, content: {content: "api-key-not-this-quarter-\(m.prefix)"}}

        """
    }

    func approveByAPI(_ port: Int, _ id: String, token: String) async throws {
        let response = try await UIClient.http.send(
            HTTPRequest(
                method: "POST", url: "http://127.0.0.1:\(port)/v1/approvals/\(id)/approve",
                headers: [(name: "Authorization", value: "Bearer \(token)")], body: []),
            tls: TLSOptions())
        #expect(response.status == 200, "API approval of \(id)")
    }

    @Test func anApproverApprovesAnUpdateInChromiumAndOpenBaoHoldsVersionTwo() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"), "chromium is installed (scripts/ensure-deps.sh test)")
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"), "chromium-driver is installed")
        let m = BaoManifests(address: server.address)
        let passwords = ["browser-pw-1-" + UUID().uuidString, "browser-pw-2-" + UUID().uuidString]
        let directory = try DaemonProcess.workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var tokens: [String: String] = [:]
        var lines = ""
        for identity in ["alice", "bob", "carol", "mallory"] {
            let made = ApprovalTokens.make(identity: identity)
            tokens[identity] = made.token
            lines += made.line + "\n"
        }
        try lines.write(toFile: directory + "/tokens", atomically: true, encoding: .utf8)
        try Self.manifests(m, password: passwords[0]).write(toFile: directory + "/manifests/all.yaml", atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess.start(
            in: directory, environment: ["BAO_TEST_TOKEN": server.rootToken], arguments: ["--approval-tokens", directory + "/tokens"])
        let approvals = ApprovalStore(stateStore: try StateStore(root: daemon.state))
        let latest: @Sendable (String) throws -> ApprovalRequest? = { try approvals.read($0).latest }
        do {
            try await daemon.waitUntilReady()
            try await eventually("both creates pending") {
                try latest("payments-db")?.state == .pending && latest("payments-api")?.state == .pending
            }
            // Version 1 through the API, as before the page existed.
            let create = try #require(try latest("payments-db")).id
            try await approveByAPI(daemon.port, create, token: try #require(tokens["alice"]))
            try await approveByAPI(daemon.port, create, token: try #require(tokens["bob"]))
            try await eventually("version 1 in OpenBao") { try await server.password(m, "payments-db") == passwords[0] }

            try daemon.write(Self.manifests(m, password: passwords[1]), to: "all.yaml")
            try await eventually("the update pending") {
                try latest("payments-db").map { $0.id != create && $0.binding.operation == .update && $0.state == .pending } == true
            }
            let update = try #require(try latest("payments-db")).id
            try await approveByAPI(daemon.port, update, token: try #require(tokens["bob"]))

            let screenshots = ProcessInfo.processInfo.environment["TRESOR_UI_SCREENSHOTS"] ?? (directory + "/screenshots")
            try FileManager.default.createDirectory(atPath: screenshots, withIntermediateDirectories: true)
            let rejectID = try #require(try latest("payments-api")).id
            let environment = ProcessInfo.processInfo.environment.merging(
                Dictionary(uniqueKeysWithValues: tokens.map { ("TOKEN_" + $0.key.uppercased(), $0.value) })) { $1 }
            let run = try await runToEnd(
                "/usr/bin/env",
                [
                    "python3", Self.script, "--base", "http://127.0.0.1:\(daemon.port)", "--secret", "payments-db", "--update-request", update,
                    "--reject-secret", "payments-api", "--reject-request", rejectID,
                    "--screenshots", screenshots,
                ],
                environment: environment, directory: directory)
            #expect(run.status == 0, "browser scenario:\n\(run.stdout)\(run.stderr)")
            #expect(run.stdout.contains("step: done"), "\(run.stdout)")

            // What the page showed is what OpenBao holds: `bao kv get`.
            #expect(try await server.password(m, "payments-db") == passwords[1])
            #expect(try await server.currentVersion(m, "payments-db") == 2)
            #expect(try await server.currentVersion(m, "payments-api") == nil, "the rejected create wrote nothing")
            let audit = try String(contentsOfFile: daemon.state + "/audit.log", encoding: .utf8)
            #expect(audit.contains("\"actor\":\"alice\"") && audit.contains("\"operation\":\"reject\""))
            for name in ["ui-approvals.png", "ui-request.png"] {
                let png = try Data(contentsOf: URL(fileURLWithPath: screenshots + "/" + name))
                #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 10_000, "\(name) is a screenshot")
            }
            for printed in [run.stdout, run.stderr] { #expect(!printed.contains(passwords[0]) && !printed.contains(passwords[1])) }
            #expect(!daemon.log.contains(passwords[1]) && !tokens.values.contains { daemon.log.contains($0) })
        } catch {
            await daemon.kill9()
            Issue.record("daemon log:\n\(daemon.log.suffix(3000))")
            throw error
        }
        await daemon.kill9()
    }
}
