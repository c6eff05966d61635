import Foundation
import Testing
import TresorTestSupport

@Suite struct ValidateCommandTests {
    @Test func examplesAreValid() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let result = try await cli.run(["validate", CLI.repositoryRoot.appendingPathComponent("examples").path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("valid:"))
    }

    /// `-f`, as plan and apply take it, names manifests too; naming none is a usage error.
    @Test func manifestsNamedWithDashFAsForPlanAndApply() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let examples = CLI.repositoryRoot.appendingPathComponent("examples").path
        let positional = try await cli.run(["validate", examples, "--list"])
        let flagged = try await cli.run(["validate", "-f", examples, "--list"])
        #expect(flagged.status == 0, "\(flagged.stderr)")
        #expect(flagged.stdout == positional.stdout)
        let none = try await cli.run(["validate"])
        #expect(none.status == 64)
        #expect(none.stderr.contains("name the manifests"))
    }

    @Test func invalidManifestExitsOneWithLocatedErrorsInEveryFormat() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.write(
            """
            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata: {name: bad}
            spec:
              type: apiKey
              vaultProfile: nowhere
              colour: blue
            """, to: "m/bad.yaml")
        let text = try await cli.run(["validate", "m"])
        #expect(text.status == 1)
        #expect(text.stdout.contains("m/bad.yaml:7:3: error: unknown field 'colour' in spec"))
        #expect(text.stdout.contains("m/bad.yaml:6:17: error: spec.vaultProfile: VaultProfile 'nowhere' is not declared"))
        #expect(text.stdout.contains("invalid: 2 errors in 1 file"))

        let github = try await cli.run(["validate", "m", "-o", "github"])
        #expect(github.status == 1)
        #expect(github.stdout.contains("::error file=m/bad.yaml,line=7,col=3::unknown field 'colour' in spec"))

        let json = try await cli.run(["validate", "m", "-o", "json"])
        #expect(json.status == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(document["valid"] as? Bool == false)
        let diagnostics = try #require(document["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 2)
        #expect(diagnostics.first?["line"] as? Int == 6)
    }

    /// 20 directories of 1,000 files crashed `validate` (and every command that reads
    /// manifests): each directory entry was copied whole out of readdir's buffer, reading
    /// past the last one into an unmapped page.
    @Test func twentyDirectoriesOfAThousandFilesAreReadWithoutReadingPastADirectoryEntry() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        // 20,000 files: written on a thread of their own, not one of the few the tests share.
        let root = cli.directory
        try await offloaded {
            for directory in 0..<20 {
                let url = root.appendingPathComponent("m/team-\(directory)")
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
                for file in 0..<1_000 {
                    try Data("# nothing yet\n".utf8).write(to: url.appendingPathComponent("secret-\(directory * 1_000 + file).yaml"))
                }
            }
        }
        let result = try await cli.run(["validate", "m"])
        #expect(result.status == 1, "exit \(result.status)")
        let empty = result.stdout.split(separator: "\n").filter { $0.hasSuffix("file holds no manifests; add one or remove the file") }
        #expect(empty.count == 20_000, "every file is read and reported")
    }
}
