import Foundation
import Testing
import TresorCore
import TresorEngine
import TresorTestSupport

/// A daemon on the embedded local vault with the web page on, approvers with tokens, and
/// a secret waiting for two approvals. Killed by pid when the body ends, pass or fail.
struct UIScenario {
    static let approvers = ["alice", "bob", "carol", "dave"]

    let daemon: DaemonProcess
    let tokens: [String: String]
    /// The values the secrets hold; no page may ever contain one.
    let values: [String]

    var port: Int { daemon.port }

    func client() -> UIClient { UIClient(port: port) }

    /// A browser signed in with `identity`'s token.
    func signedIn(_ identity: String) async throws -> UIClient {
        let browser = client()
        try await browser.signIn(try #require(tokens[identity], "no token for \(identity)"))
        return browser
    }

    /// - Parameters:
    ///   - requester: the `tresor.dev/requested-by` annotation of `db` (the daemon's `gitops` otherwise).
    ///   - extraApprover: one more approver, listed in the profile and given a token (odd identities for escaping tests).
    ///   - more: more manifests, after db and cache.
    static func run(
        requester: String? = nil, extraApprover: String? = nil, arguments: [String] = [], more: String = "",
        _ body: (UIScenario) async throws -> Void
    ) async throws {
        let directory = try DaemonProcess.workspace()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let values = ["ui-db-key-" + UUID().uuidString, "ui-cache-key-" + UUID().uuidString]
        var approvers = Self.approvers
        if let extraApprover { approvers.append(extraApprover) }
        var tokens: [String: String] = [:]
        var lines = ""
        for identity in approvers + ["mallory"] {
            let made = ApprovalTokens.make(identity: identity)
            tokens[ApprovalIdentity.normalized(identity)] = made.token
            lines += made.line + "\n"
        }
        try lines.write(toFile: directory + "/tokens", atomically: true, encoding: .utf8)
        let listed = approvers.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" }.joined(separator: ", ")
        let annotation = requester.map { "annotations: {tresor.dev/requested-by: '\($0.replacingOccurrences(of: "'", with: "''"))'}, " } ?? ""
        try """
            apiVersion: tresor.dev/v1alpha1
            kind: VaultProfile
            metadata: {name: main}
            spec: {provider: {local: {}}, approvalProfile: two-person}
            ---
            apiVersion: tresor.dev/v1alpha1
            kind: VaultProfile
            metadata: {name: open}
            spec: {provider: {local: {}}}
            ---
            apiVersion: tresor.dev/v1alpha1
            kind: ApprovalProfile
            metadata: {name: two-person}
            spec: {requiredApprovals: 2, approvers: [\(listed)]}
            ---
            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata: {name: db, \(annotation)labels: {team: payments}}
            spec: {type: apiKey, vaultProfile: main, content: {content: {fromEnv: UI_DB_KEY}}}
            ---
            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata: {name: cache, labels: {team: platform}}
            spec: {type: apiKey, vaultProfile: open, content: {content: {fromEnv: UI_CACHE_KEY}}}
            \(more)
            """.write(toFile: directory + "/manifests/all.yaml", atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess.start(
            in: directory, environment: ["UI_DB_KEY": values[0], "UI_CACHE_KEY": values[1]],
            arguments: ["--approval-tokens", directory + "/tokens"] + arguments)
        do {
            let scenario = UIScenario(daemon: daemon, tokens: tokens, values: values)
            try await daemon.waitUntilReady()
            try await eventually("db's create to wait for approval") {
                try StateStore(root: daemon.state).readStatus("db")?.state == .pendingApproval
            }
            try await body(scenario)
        } catch {
            await daemon.kill9()
            Issue.record("daemon log:\n\(daemon.log.suffix(3000))")
            throw error
        }
        await daemon.kill9()
    }

    /// The id of `secret`'s latest approval request.
    func requestID(_ secret: String) throws -> String {
        try #require(try ApprovalStore(stateStore: StateStore(root: daemon.state)).read(secret).latest?.id)
    }

    func requestPath(_ secret: String) throws -> String { "/ui/approvals/" + (try requestID(secret)) }

    /// The approvals file and the audit log: what a refused POST must leave as it was.
    func decisionRecords() throws -> (approvals: String, audit: String) {
        let approvals = (try? String(contentsOfFile: daemon.state + "/approvals/db.yaml", encoding: .utf8)) ?? ""
        let audit = (try? String(contentsOfFile: daemon.state + "/audit.log", encoding: .utf8)) ?? ""
        return (approvals, audit)
    }
}

/// Runs the built `tresor` with `arguments`; its exit status and output.
func runTresor(_ arguments: [String]) async throws -> (status: Int32, output: String) {
    let run = try await runToEnd(
        DaemonProcess.binary, arguments, environment: ProcessInfo.processInfo.environment,
        directory: FileManager.default.temporaryDirectory.path)
    return (run.status, run.stdout + run.stderr)
}
