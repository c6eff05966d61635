import Foundation
import Testing
import TresorCore
import TresorTestSupport
import TresorVaults

/// `plan` and the `apply` after it count in the same unit: each number of the plan's
/// summary line ("8 to create, …, 4 waiting for approval") is the number the apply's
/// summary line reports done ("8 created, …, 4 waiting for approval"). Actions and
/// blocked lines count places (a secret with two sync targets is three creates); waiting
/// for approval and failed count secrets.
@Suite struct SummaryCountsTests {
    static let profiles = """
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: main}
        spec: {provider: {local: {}}MAIN_GATE}
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: copy}
        spec: {provider: {local: {}}COPY_GATE}
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: spare}
        spec: {provider: {local: {}}}
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: ApprovalProfile
        metadata: {name: review}
        spec: {requiredApprovals: 1, approvers: [alice, bob]}
        ---

        """

    /// The profiles, with `main` and `copy` gated by the approval profile or not.
    static func profiles(gated: Set<String>) -> String {
        profiles.replacingOccurrences(of: "MAIN_GATE", with: gated.contains("main") ? ", approvalProfile: review" : "")
            .replacingOccurrences(of: "COPY_GATE", with: gated.contains("copy") ? ", approvalProfile: review" : "")
    }

    static func secret(_ name: String, path: String? = nil) -> String {
        TestManifests.secret(
            name, type: "apiKey", "syncVaultProfiles: [copy, spare]", "path: \(path ?? name)", "allowInlineValues: true",
            "content: {content: summary-value-\(name)}")
    }

    /// The numbers of a summary line by what they count, plan and apply wording alike.
    static func counts(_ output: String) throws -> [String: Int] {
        let line = try #require(
            output.split(separator: "\n").first { $0.hasPrefix("Plan: ") || $0.hasPrefix("Applied: ") }, "no summary line in:\n\(output)")
        let words = [
            "to create": "create", "created": "create", "to update": "update", "updated": "update", "to adopt": "adopt",
            "adopted": "adopt", "to move": "move", "moved": "move", "to delete": "delete", "deleted": "delete",
            "to release": "release", "released": "release", "unchanged": "unchanged", "drifted": "drifted", "blocked": "blocked",
            "waiting for approval": "waiting", "failed": "failed",
        ]
        var counts: [String: Int] = [:]
        let body = line.drop { $0 != ":" }.dropFirst().replacingOccurrences(of: ";", with: ",").replacingOccurrences(of: ".", with: "")
        for part in body.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let number = part.prefix { $0.isNumber }
            let label = part.dropFirst(number.count).trimmingCharacters(in: .whitespaces)
            guard let count = Int(number), let word = words[label] else { continue }
            counts[word] = count
        }
        return counts
    }

    /// Plans, applies, and expects the apply to report what the plan said it would do;
    /// returns the apply's output.
    @discardableResult
    func planThenApply(_ cli: CLI, _ what: String) async throws -> CLI.Result {
        let plan = try await cli.run(["plan", "-f", "m", "--state-dir", "state"])
        let apply = try await cli.run(["apply", "-f", "m", "--state-dir", "state", "--as", "alice"])
        let planned = try Self.counts(plan.stdout)
        let applied = try Self.counts(apply.stdout)
        #expect(planned == applied, "\(what): plan and apply disagree\nplan:\n\(plan.stdout)\napply:\n\(apply.stdout)")
        for output in [plan.stdout, plan.stderr, apply.stdout, apply.stderr] {
            #expect(!output.contains("summary-value-") && !output.contains("foreign-value"), "a secret value was printed")
        }
        return apply
    }

    /// Applies `manifests`, then puts a secret tresor did not write at 'taken' in `profile`,
    /// as another tool writing to that vault would.
    func placeForeignSecret(_ cli: CLI, in profile: String, after manifests: String) async throws {
        try cli.write(manifests, to: "m/all.yaml")
        let setUp = try await cli.run(["apply", "-f", "m", "--state-dir", "state"])
        #expect(setUp.status == 0, "\(setUp.stdout)\(setUp.stderr)")
        let vault = try LocalAdapter(directory: cli.path("state/vaults/\(profile)"), keyFile: cli.path("state/local.key"))
        try vault.writeUnmanaged(at: "taken", content: ["content": SecretValue("foreign-value-\(profile)")])
    }

    @Test func fourHeldSecretsWithSyncTargetsAreFourWaitingInPlanAndApplyAndAgain() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.write(Self.profiles(gated: ["main"]) + ["a", "b", "c", "d"].map { Self.secret("held-\($0)") }.joined(), to: "m/all.yaml")
        let first = try await planThenApply(cli, "four new held secrets")
        #expect(try Self.counts(first.stdout)["waiting"] == 4, "\(first.stdout)")
        // The requests are open now: the next plan and apply see them, not new ones.
        let again = try await planThenApply(cli, "the same secrets with their requests open")
        #expect(try Self.counts(again.stdout)["waiting"] == 4, "\(again.stdout)")
    }

    @Test func copiesWaitingInAGatedSyncProfileCountOncePerSecret() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.write(Self.profiles(gated: ["copy"]) + ["a", "b", "c", "d"].map { Self.secret("copy-\($0)") }.joined(), to: "m/all.yaml")
        let applied = try await planThenApply(cli, "sources and ungated copies written, gated copies waiting")
        let counts = try Self.counts(applied.stdout)
        #expect(counts["create"] == 8 && counts["waiting"] == 4, "\(applied.stdout)")
        try await planThenApply(cli, "the gated copies still waiting")
    }

    /// Something tresor did not write sits where a new secret's copy goes: the copy is
    /// blocked, the source and the other copy are written, and apply says so as plan did.
    @Test func aCopyBlockedByAForeignSecretCountsAsPlanned() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try await placeForeignSecret(cli, in: "copy", after: Self.profiles(gated: []) + Self.secret("first"))
        try cli.write(Self.profiles(gated: []) + Self.secret("first") + Self.secret("second", path: "taken"), to: "m/all.yaml")
        let applied = try await planThenApply(cli, "a copy blocked by a foreign secret")
        let counts = try Self.counts(applied.stdout)
        #expect(counts["create"] == 2 && counts["blocked"] == 1 && counts["failed"] == nil, "\(applied.stdout)")
        #expect(applied.stdout.contains("; 2 vault writes"), "\(applied.stdout)")
        // The source written before the copy found the foreign secret is on record as written.
        let events = try await cli.run(["events", "second", "--state-dir", "state"])
        let created = events.stdout.split(separator: "\n").filter { $0.contains(" create ") && $0.contains(" success ") }
        #expect(created.contains { $0.contains(" main ") } && created.contains { $0.contains(" spare ") }, "\(events.stdout)")
        try await planThenApply(cli, "the blocked copy again")
    }

    @Test func aSourceBlockedByAForeignSecretIsOneBlockedNotAlsoFailed() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try await placeForeignSecret(cli, in: "main", after: Self.profiles(gated: []) + Self.secret("first"))
        try cli.write(Self.profiles(gated: []) + Self.secret("first") + Self.secret("second", path: "taken"), to: "m/all.yaml")
        let applied = try await planThenApply(cli, "a source blocked by a foreign secret")
        let counts = try Self.counts(applied.stdout)
        #expect(counts["blocked"] == 1 && counts["failed"] == nil, "\(applied.stdout)")
        try await planThenApply(cli, "the blocked source again")
    }

    /// A gated source whose copy is blocked: the secret waits for approval, its copy is
    /// blocked, in both.
    @Test func aHeldSecretWithABlockedCopyCountsTheSameInPlanAndApply() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try await placeForeignSecret(cli, in: "copy", after: Self.profiles(gated: ["main"]))
        try cli.write(Self.profiles(gated: ["main"]) + Self.secret("held", path: "taken"), to: "m/all.yaml")
        try await planThenApply(cli, "a held secret with a blocked copy")
        try await planThenApply(cli, "the same with its request open")
    }
}
