import Foundation
import Testing

@Suite struct SavedPlanTests {
    @Test func aSavedPlanAppliesExactlyWhenNothingMoved() async throws {
        let cli = try CLI.declaring(secrets: ("one", "saved-plan-value-1"), ("two", "saved-plan-value-2"))
        defer { cli.cleanUp() }
        let planned = try await cli.run(["plan", "-f", "m", "--out", "reviewed.plan", "--state-dir", "state"])
        #expect(planned.status == 2, "\(planned.stdout)\(planned.stderr)")
        #expect(planned.stderr.contains("tresor apply --plan reviewed.plan"))
        let saved = try String(contentsOfFile: cli.path("reviewed.plan"), encoding: .utf8)
        #expect(saved.contains("\"format\" : \"tresor.dev/saved-plan/v1\""))
        #expect(saved.contains("+ create   main:one (source)"))
        #expect(!saved.contains("saved-plan-value"))
        // The plan names its manifests: no -f needed.
        let applied = try await cli.run(["apply", "--plan", "reviewed.plan", "--state-dir", "state"])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        #expect(applied.stdout.contains("Applied: 4 created"))
        // Applied once, the same plan is stale: the state it was bound to moved.
        let again = try await cli.run(["apply", "--plan", "reviewed.plan", "--state-dir", "state"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("the status of Secret one changed"), "\(again.stderr)")
        for output in [planned.stdout, planned.stderr, applied.stdout, again.stderr] { #expect(!output.contains("saved-plan-value")) }
    }

    @Test func aSavedPlanIsRefusedNamingTheManifestThatChanged() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.write(profilesYAML, to: "m/profiles.yaml")
        try cli.write(secretYAML("one", value: "saved-plan-value-3"), to: "m/one.yaml")
        #expect(try await cli.run(["plan", "-f", "m", "--out", "p.json", "--state-dir", "state"]).status == 2)
        try cli.write(secretYAML("one", value: "saved-plan-value-4"), to: "m/one.yaml")
        let refused = try await cli.run(["apply", "--plan", "p.json", "--state-dir", "state"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("manifest file m/one.yaml changed"), "\(refused.stderr)")
        #expect(refused.stderr.contains("Secret one: the plan differs now"))
        #expect(!refused.stderr.contains("profiles.yaml"))
        // Nothing was written.
        #expect(try await cli.run(["get", "secrets", "-o", "name", "--state-dir", "state"]).stdout == "")
        #expect(!refused.stderr.contains("saved-plan-value"))
    }

    @Test func aSavedPlanIsRefusedWhenAVaultChangedUnderIt() async throws {
        let cli = try CLI.declaring(secrets: ("one", "saved-plan-value-5"))
        defer { cli.cleanUp() }
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state"]).status == 0)
        try cli.write(profilesYAML + secretYAML("one", value: "saved-plan-value-6"), to: "m/all.yaml")
        #expect(try await cli.run(["plan", "-f", "m", "--out", "p.json", "--state-dir", "state"]).status == 2)
        // Someone else applies another value in the meantime, from another checkout.
        try cli.write(profilesYAML + secretYAML("one", value: "saved-plan-value-7"), to: "other/all.yaml")
        #expect(try await cli.run(["apply", "-f", "other", "--state-dir", "state"]).status == 0)
        let refused = try await cli.run(["apply", "--plan", "p.json", "--state-dir", "state"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("Secret one"), "\(refused.stderr)")
        let read = try await cli.run(["read", "one", "--field", "password", "-f", "other", "--state-dir", "state"])
        #expect(read.stdout == "saved-plan-value-7\n")
    }

    @Test func planPreviewsAMassDeleteThatApplyRefuses() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let names = (1...8).map { "bulk\($0)" }
        try cli.write(profilesYAML + names.map { secretYAML($0, value: "bulk-value-\($0)") }.joined(), to: "m/all.yaml")
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state"]).status == 0)
        try cli.write(profilesYAML + secretYAML("bulk1", value: "bulk-value-bulk1"), to: "m/all.yaml")
        let preview = try await cli.run(["plan", "-f", "m", "--state-dir", "state"])
        #expect(preview.status == 2, "\(preview.stdout)\(preview.stderr)")
        for name in names.dropFirst() { #expect(preview.stdout.contains("< release  main:\(name) (source)"), "\(preview.stdout)") }
        #expect(preview.stdout.contains("Apply will refuse this as a mass delete unless run with --allow-mass-delete: this run would remove 7 of the 8"))
        let allowed = try await cli.run(["plan", "-f", "m", "--allow-mass-delete", "--state-dir", "state"])
        #expect(allowed.status == 2)
        #expect(!allowed.stdout.contains("Apply will refuse"))
        let refused = try await cli.run(["apply", "-f", "m", "--state-dir", "state"])
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("refused: this run would remove 7 of the 8"))
        let saved = try await cli.run(["plan", "-f", "m", "--allow-mass-delete", "--out", "p.json", "--state-dir", "state"])
        #expect(saved.status == 2)
        let applied = try await cli.run(["apply", "--plan", "p.json", "--state-dir", "state"])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        #expect(applied.stdout.contains("0 deleted, 14 released"))
    }
}
