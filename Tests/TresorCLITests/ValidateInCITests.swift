import Foundation
import Testing

@Suite struct ValidateInCITests {
    @Test func aPathWithoutManifestsIsAnErrorUnlessAllowed() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.write(profilesYAML, to: "m/profiles.yaml")
        try cli.write("# nothing yet\n", to: "empty/README.md")
        let mistyped = try await cli.run(["validate", "m", "manfests"])
        #expect(mistyped.status == 1)
        #expect(mistyped.stdout.contains("manfests: error: cannot read"), "\(mistyped.stdout)")
        let empty = try await cli.run(["validate", "empty"])
        #expect(empty.status == 1, "\(empty.stdout)")
        #expect(empty.stdout.contains("empty: error: holds no tresor manifests"))
        let allowed = try await cli.run(["validate", "empty", "--allow-empty"])
        #expect(allowed.status == 0, "\(allowed.stdout)")
        let both = try await cli.run(["validate", "m", "empty"])
        #expect(both.status == 1)
        #expect(!both.stdout.contains("m: error"))
    }

    @Test func otherYAMLIsSkippedWithOneNoticeAndIsAnErrorWhenStrict() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.write(profilesYAML + secretYAML("one", value: "ci-value-1"), to: "m/tresor.yaml")
        try cli.write("resources: [tresor.yaml]\nconfigMapGenerator:\n- name: tresor-manifests\n", to: "m/kustomization.yaml")
        try cli.write("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {level: info}\n", to: "m/configmap.yaml")
        let lenient = try await cli.run(["validate", "m"])
        #expect(lenient.status == 0, "\(lenient.stdout)")
        let notices = lenient.stdout.split(separator: "\n").filter { $0.contains(": notice: ") }
        #expect(notices.count == 2, "\(lenient.stdout)")
        #expect(lenient.stdout.contains("configmap.yaml:1:1: notice: a document of kind ConfigMap, apiVersion v1 is not a tresor manifest; skipped"))
        #expect(lenient.stdout.contains("kustomization.yaml:1:1: notice: a document without apiVersion or kind"))
        #expect(lenient.stdout.contains("2 other documents skipped"))
        let strict = try await cli.run(["validate", "m", "--strict"])
        #expect(strict.status == 1)
        #expect(strict.stdout.contains("configmap.yaml:1:1: error: a document of kind ConfigMap"))
        // A tresor kind under a wrong version is still a typo, not someone else's file.
        try cli.write("apiVersion: tresor.dev/v1\nkind: Secret\nmetadata: {name: x}\nspec: {}\n", to: "m/typo.yaml")
        #expect(try await cli.run(["validate", "m"]).status == 1)
        #expect(!lenient.stdout.contains("ci-value-1"))
    }

    @Test func aStateDirectoryInsideTheTreeIsSkippedWhateverItsName() async throws {
        let cli = try CLI.declaring(secrets: ("one", "ci-value-2"))
        defer { cli.cleanUp() }
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "m/backup-of-state"]).status == 0)
        let validated = try await cli.run(["validate", "m"])
        #expect(validated.status == 0, "\(validated.stdout)")
        #expect(validated.stdout.contains("in 1 file"), "\(validated.stdout)")
        let planned = try await cli.run(["plan", "-f", "m", "--state-dir", "m/backup-of-state"])
        #expect(planned.status == 0, "\(planned.stdout)\(planned.stderr)")
    }

    @Test func repeatedWarningsAreSummarisedAndQuietPrintsOnlyErrorsAndTheSummary() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let secrets = (1...40).map { secretYAML("s\($0)", value: "repeat-value-\($0)") }.joined()
        try cli.write(profilesYAML + secrets, to: "m/all.yaml")
        let loud = try await cli.run(["validate", "m"])
        #expect(loud.status == 0)
        let warnings = loud.stdout.split(separator: "\n").filter { $0.contains(": warning: ") }
        #expect(warnings.count == 3, "\(loud.stdout)")
        #expect(loud.stdout.contains("warning: 37 more like"))
        #expect(loud.stdout.contains("(40 warnings)"))
        let json = try await cli.run(["validate", "m", "-o", "json"])
        #expect(json.stdout.components(separatedBy: "\"severity\" : \"warning\"").count - 1 == 40)
        let quiet = try await cli.run(["validate", "m", "--quiet"])
        #expect(quiet.stdout == "valid: 2 VaultProfiles, 40 Secrets in 1 file (40 warnings)\n", "\(quiet.stdout)")
        let plan = try await cli.run(["plan", "-f", "m", "--quiet", "--state-dir", "state"])
        #expect(plan.status == 2)
        #expect(plan.stdout == "Plan: 80 to create, 0 to update, 0 to adopt, 0 to delete, 0 to release, 0 unchanged.\n", "\(plan.stdout)")
        for output in [loud.stdout, json.stdout, plan.stdout] { #expect(!output.contains("repeat-value-")) }
    }
}
