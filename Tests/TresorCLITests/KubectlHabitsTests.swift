import Foundation
import Testing
import TresorTestSupport

/// Three secrets with labels, for `get -l`, `describe` and scoped plans.
func labelledSecretsYAML(values: [String: String], only: [String]? = nil) -> String {
    let labels = [
        "pay-db": "{team: payments, env: prod}", "pay-api": "{team: payments, env: dev}", "web-key": "{team: web, env: staging}",
    ]
    return profilesYAML + labels.keys.sorted().filter { only?.contains($0) ?? true }.map { name in
        """
        apiVersion: tresor.dev/v1alpha1
        kind: Secret
        metadata: {name: \(name), labels: \(labels[name] ?? "{}")}
        spec:
          type: apiKey
          vaultProfile: main
          syncVaultProfiles: [copy]
          allowInlineValues: true
          content: {content: \(values[name] ?? "unset")}
        ---

        """
    }.joined()
}

@Suite struct KubectlHabitsTests {
    static let values = ["pay-db": "habit-value-db-1", "pay-api": "habit-value-api-1", "web-key": "habit-value-web-1"]

    func applied() async throws -> CLI {
        let cli = try CLI()
        try cli.write(labelledSecretsYAML(values: Self.values), to: "m/all.yaml")
        let applied = try await cli.run(["apply", "-f", "m", "--state-dir", "state"])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        return cli
    }

    func expectNoValues(_ results: [CLI.Result]) {
        for result in results {
            for value in Self.values.values {
                #expect(!result.stdout.contains(value) && !result.stderr.contains(value), "a secret value was printed")
            }
        }
    }

    @Test func getSecretNameShowsOneAndAnUnknownNameIsNotFound() async throws {
        let cli = try await applied()
        defer { cli.cleanUp() }
        let one = try await cli.run(["get", "secret", "pay-db", "--state-dir", "state"])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout.contains("pay-db"))
        #expect(!one.stdout.contains("pay-api") && !one.stdout.contains("web-key"))
        let json = try await cli.run(["get", "secret", "pay-db", "-o", "json", "--state-dir", "state"])
        #expect(json.stdout.hasPrefix("{"), "one secret is one JSON object: \(json.stdout)")
        let missing = try await cli.run(["get", "secret", "pay-dbb", "--state-dir", "state"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("secret 'pay-dbb' not found"), "\(missing.stderr)")
        expectNoValues([one, json, missing])
    }

    @Test func labelSelectorsChooseSecretsAsKubectlDoes() async throws {
        let cli = try await applied()
        defer { cli.cleanUp() }
        func names(_ selector: String) async throws -> String {
            let result = try await cli.run(["get", "secrets", "-l", selector, "-o", "name", "--state-dir", "state"])
            #expect(result.status == 0, "\(selector): \(result.stderr)")
            return result.stdout
        }
        #expect(try await names("team=payments,env!=dev") == "secret/pay-db\n")
        #expect(try await names("env in (prod,staging)") == "secret/pay-db\nsecret/web-key\n")
        #expect(try await names("env notin (prod, staging)") == "secret/pay-api\n")
        #expect(try await names("team==web") == "secret/web-key\n")
        #expect(try await names("!team") == "")
        #expect(try await names("team") == "secret/pay-api\nsecret/pay-db\nsecret/web-key\n")
        let bad = try await cli.run(["get", "secrets", "-l", "env in (prod", "--state-dir", "state"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("never closed"), "\(bad.stderr)")
    }

    @Test func wideOutputAddsTargetsAndLabels() async throws {
        let cli = try await applied()
        defer { cli.cleanUp() }
        let wide = try await cli.run(["get", "secrets", "-o", "wide", "--state-dir", "state"])
        #expect(wide.status == 0)
        #expect(wide.stdout.contains("SYNC TARGETS"))
        #expect(wide.stdout.contains("LABELS"))
        #expect(wide.stdout.contains("env=prod,team=payments"))
        let yaml = try await cli.run(["get", "secret", "web-key", "-o", "yaml", "--state-dir", "state"])
        #expect(yaml.stdout.contains("name: web-key"))
        #expect(yaml.stdout.contains("team: web"))
        expectNoValues([wide, yaml])
    }

    @Test func describeVaultProfileListsItsSecretsAndDescribeSecretEndsWithEvents() async throws {
        let cli = try await applied()
        defer { cli.cleanUp() }
        let profile = try await cli.run(["describe", "vaultprofile", "copy", "--state-dir", "state"])
        #expect(profile.status == 0, "\(profile.stderr)")
        #expect(profile.stdout.contains("Sync target of:   3"))
        #expect(profile.stdout.contains("  pay-db (sync)"))
        let yaml = try await cli.run(["describe", "vaultprofile", "main", "-o", "yaml", "--state-dir", "state"])
        #expect(yaml.stdout.contains("sourceOf:"))
        let unknown = try await cli.run(["describe", "vaultprofile", "nowhere", "--state-dir", "state"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("vaultprofile 'nowhere' not found"))
        let secret = try await cli.run(["describe", "secret", "pay-db", "--state-dir", "state"])
        let events = try #require(secret.stdout.range(of: "\nEvents:\n"), "\(secret.stdout)")
        #expect(secret.stdout[events.upperBound...].contains("create  main  success"))
        let secretYAML = try await cli.run(["describe", "secret", "pay-db", "-o", "yaml", "--state-dir", "state"])
        #expect(secretYAML.stdout.contains("state: active"))
        expectNoValues([profile, yaml, secret, secretYAML])
    }

    @Test func eventsReadTheAuditLogAsATable() async throws {
        let cli = try await applied()
        defer { cli.cleanUp() }
        let all = try await cli.run(["events", "--state-dir", "state"])
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.stdout.hasPrefix("TIME"))
        for header in ["SECRET", "OPERATION", "TARGET", "OUTCOME", "MESSAGE"] { #expect(all.stdout.contains(header)) }
        #expect(all.stdout.contains("web-key"))
        let one = try await cli.run(["events", "pay-db", "--since", "1h", "--state-dir", "state"])
        #expect(one.stdout.contains("pay-db"))
        #expect(!one.stdout.contains("web-key"))
        let bad = try await cli.run(["events", "--since", "yesterday", "--state-dir", "state"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("not a duration"))
        expectNoValues([all, one])
    }

    @Test func eventsWatchPrintsEventsWrittenAfterItStarted() async throws {
        let cli = try await applied()
        defer { cli.cleanUp() }
        let state = cli.path("state")
        let arguments = ["events", "-w", "--state-dir", state]
        let watcher = try ServerProcess(binary: CLI.binary, label: "events-watch") { _ in arguments + cli.storeFlags(arguments) }
        defer { watcher.stop() }
        try await eventually("events -w prints the table") { watcher.log.contains("TIME") }
        var changed = Self.values
        changed["web-key"] = "habit-value-web-2"
        try cli.write(labelledSecretsYAML(values: changed), to: "m/all.yaml")
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state"]).status == 0)
        try await eventually("events -w prints the update") { watcher.log.contains("web-key   update") }
        #expect(!watcher.log.contains("habit-value-web-2"))
    }

    @Test func planAndApplyScopedByLabelOrTargetLeaveTheRestAlone() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.write(labelledSecretsYAML(values: Self.values), to: "m/all.yaml")
        let plan = try await cli.run(["plan", "-f", "m", "-l", "team=payments", "--state-dir", "state"])
        #expect(plan.status == 2)
        #expect(plan.stdout.contains("Secret pay-db") && plan.stdout.contains("Secret pay-api"))
        #expect(!plan.stdout.contains("web-key"))
        let scoped = try await cli.run(["apply", "-f", "m", "-l", "team=payments", "--state-dir", "state"])
        #expect(scoped.status == 0, "\(scoped.stdout)\(scoped.stderr)")
        let listed = try await cli.run(["get", "secrets", "-o", "name", "--state-dir", "state"])
        #expect(listed.stdout == "secret/pay-api\nsecret/pay-db\n")
        // The unscoped run adds web-key; then web-key alone is removed from the manifests and
        // a run targeted at another secret must not prune it.
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state"]).status == 0)
        try cli.write(labelledSecretsYAML(values: Self.values, only: ["pay-db", "pay-api"]), to: "m/all.yaml")
        let targeted = try await cli.run(["apply", "-f", "m", "--target", "pay-db", "--state-dir", "state"])
        #expect(targeted.status == 0, "\(targeted.stdout)\(targeted.stderr)")
        #expect(!targeted.stdout.contains("web-key"))
        #expect(try await cli.run(["get", "secret", "web-key", "--state-dir", "state"]).stdout.contains("active"))
        let pruned = try await cli.run(["apply", "-f", "m", "--target", "web-key", "--state-dir", "state"])
        #expect(pruned.stdout.contains("< release  main:web-key (source)"), "\(pruned.stdout)")
        let unknown = try await cli.run(["plan", "-f", "m", "--target", "nobody", "--state-dir", "state"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("--target nobody"))
        expectNoValues([plan, scoped, targeted, pruned])
    }

    @Test func manifestsReadFromStandardInput() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let manifests = labelledSecretsYAML(values: Self.values)
        let validated = try await cli.run(["validate", "-f", "-"], input: manifests)
        #expect(validated.status == 0, "\(validated.stdout)\(validated.stderr)")
        #expect(validated.stdout.contains("3 Secrets"))
        let applied = try await cli.run(["apply", "-f", "-", "--state-dir", "state"], input: manifests)
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        #expect(applied.stdout.contains("Applied: 6 created"))
        let broken = try await cli.run(["validate", "-f", "-"], input: "apiVersion: tresor.dev/v1alpha1\nkind: Secret\n")
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("<stdin>:1:1: error"))
        expectNoValues([validated, applied])
    }

    @Test func versionNamesTheReleaseTheCommitAndTheCompiler() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let version = try await cli.run(["--version"])
        #expect(version.status == 0)
        let line = version.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.hasPrefix("tresor 0."), "\(line)")
        #expect(line.contains("Swift 6."))
        let commit = try #require(line.range(of: "commit ")).upperBound
        let hash = line[commit...].prefix { $0 != "," }
        #expect(hash == "unknown" || (hash.count == 12 && hash.allSatisfy(\.isHexDigit)), "\(line)")
    }

    @Test func helpListsEveryCommandAndEachCommandItsFlags() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let help = try await cli.run(["--help"])
        for command in [
            "validate", "plan", "apply", "run", "get", "describe", "versions", "read", "approve", "reject", "approvals",
            "compliance", "seal", "keys", "reseal", "audit", "events", "completion",
        ] {
            #expect(help.stdout.contains("\n  \(command) "), "tresor --help does not list \(command)")
        }
        let plan = try await cli.run(["plan", "--help"])
        for flag in ["--out", "--selector", "--target", "--quiet", "--allow-mass-delete", "--filename"] {
            #expect(plan.stdout.contains(flag), "plan --help does not list \(flag)")
        }
        let apply = try await cli.run(["apply", "--help"])
        for flag in ["--plan", "--selector", "--target", "--quiet"] { #expect(apply.stdout.contains(flag)) }
    }
}
