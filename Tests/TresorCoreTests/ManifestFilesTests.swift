import Foundation
import Testing

@testable import TresorCore

/// How `-f PATH…` finds manifest files: files as named, directories recursively.
@Suite("Manifest files")
struct ManifestFilesTests {
    static func withTree(_ files: [String: String], _ body: (String) throws -> Void) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-files-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        for (path, text) in files {
            let file = url.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
        try body(url.path)
    }

    @Test func directoriesAreWalkedRecursivelyInNameOrder() throws {
        try Self.withTree([
            "b.yaml": "b", "a.yml": "a", "sub/c.yaml": "c", "sub/deeper/still/d.yaml": "d", "sub/e.txt": "e",
        ]) { root in
            let found = ManifestFiles.read([root])
            #expect(found.files.map(\.path) == ["a.yml", "b.yaml", "sub/c.yaml", "sub/deeper/still/d.yaml"].map { root + "/" + $0 })
            #expect(found.files.map { String(decoding: $0.bytes, as: UTF8.self) } == ["a", "b", "c", "d"])
            #expect(found.diagnostics.isEmpty)
        }
    }

    @Test func aFileNamedExplicitlyIsReadWhateverItsName() throws {
        try Self.withTree(["manifest.txt": "x", "dir/manifest.txt": "y"]) { root in
            let found = ManifestFiles.read([root + "/manifest.txt", root + "/dir"])
            #expect(found.files.map(\.path) == [root + "/manifest.txt"])
        }
    }

    /// Named again, listed again through a symlink or a second `-f`: read once, where it
    /// is first met.
    @Test func aFileReachedByTwoPathsIsReadOnce() throws {
        try Self.withTree(["dir/a.yaml": "a", "dir/b.yaml": "b"]) { root in
            #expect(symlink(root + "/dir/a.yaml", root + "/dir/c.yaml") == 0)
            let found = ManifestFiles.read([root + "/dir/b.yaml", root + "/dir", root + "/dir/a.yaml"])
            #expect(found.files.map(\.path) == [root + "/dir/b.yaml", root + "/dir/a.yaml"])
            #expect(found.diagnostics.isEmpty)
        }
    }

    @Test func pathsKeepTheSpellingTheUserGave() throws {
        try Self.withTree(["m.yaml": "x"]) { root in
            let found = ManifestFiles.read([root + "/"])
            #expect(found.files.map(\.path) == [root + "/m.yaml"])
        }
    }

    @Test func theStateDirectoryIsSkipped() throws {
        try Self.withTree(["m.yaml": "x", "state/status.yaml": "y", "state/vaults/v.yaml": "z"]) { root in
            let found = ManifestFiles.read([root], skipping: [root + "/state"])
            #expect(found.files.map(\.path) == [root + "/m.yaml"])
            // A skipped directory that does not exist (yet) is no problem.
            #expect(ManifestFiles.read([root], skipping: [root + "/nothing"]).files.count == 3)
        }
    }

    @Test func emptyFilesAreReadAndReportedByTheLoader() throws {
        try Self.withTree(["empty.yaml": ""]) { root in
            let found = ManifestFiles.read([root])
            #expect(found.files.map(\.bytes) == [[]])
            let result = ManifestLoader().load(found.files, preDiagnostics: found.diagnostics)
            #expect(result.diagnostics.map(\.description) == [
                "\(root)/empty.yaml:1:1: error: file holds no manifests; add one or remove the file"
            ])
        }
    }

    @Test func fileProblemsAndManifestProblemsAreSortedByFile() throws {
        try Self.withTree(["bad.yaml": "apiVersion: tresor.dev/v1alpha1\nkind: Nope\n"]) { root in
            let found = ManifestFiles.read([root + "/zz-missing.yaml", root])
            let result = ManifestLoader().load(found.files, preDiagnostics: found.diagnostics)
            #expect(result.diagnostics.map(\.description) == [
                "\(root)/bad.yaml:1:1: error: manifest: missing required field 'metadata'",
                "\(root)/bad.yaml:1:1: error: manifest: missing required field 'spec'",
                "\(root)/bad.yaml:2:7: error: kind: 'Nope' is not a tresor kind; expected VaultProfile, Secret, ApprovalProfile "
                    + "or ComplianceProfile",
                "\(root)/zz-missing.yaml: error: cannot read: no such file or directory",
            ])
        }
    }
}
