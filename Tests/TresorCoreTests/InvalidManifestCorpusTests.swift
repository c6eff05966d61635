import Foundation
import Testing

@testable import TresorCore

/// The invalid-manifest corpus: `Fixtures/invalid/*.yaml`, one problem class per file.
///
/// Each fixture states what loading it alone must report in its header comments:
///
///     # what the fixture is about
///     # secret: an inline value that must never appear in a message   (optional, repeatable)
///     # expect: LINE:COLUMN: error|warning: MESSAGE                    (one per diagnostic, in order)
///
/// The test compares the loader's diagnostics with these lines exactly: count, order,
/// position, severity and message.
enum InvalidCorpus {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/invalid", isDirectory: true)

    static let fixtures: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }()

    struct Header {
        var expectations: [String] = []
        var secrets: [String] = []
    }

    static func header(of text: String) -> Header {
        var header = Header()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# expect: ") {
                header.expectations.append(String(line.dropFirst("# expect: ".count)))
            } else if line.hasPrefix("# secret: ") {
                header.secrets.append(String(line.dropFirst("# secret: ".count)))
            }
        }
        return header
    }

    /// `LINE:COLUMN: severity: message`: the fixture's view of a diagnostic, without the file name.
    static func render(_ diagnostic: Diagnostic) -> String {
        "\(diagnostic.location.line):\(diagnostic.location.column): \(diagnostic.severity.rawValue): \(diagnostic.message)"
    }
}

@Suite("Invalid manifest corpus")
struct InvalidManifestCorpusTests {
    @Test func corpusHasAtLeast45Fixtures() {
        #expect(InvalidCorpus.fixtures.count >= 45, "found \(InvalidCorpus.fixtures.count) fixtures in \(InvalidCorpus.directory.path)")
    }

    @Test(arguments: InvalidCorpus.fixtures)
    func fixtureReportsExactlyItsExpectations(_ name: String) throws {
        let bytes = try [UInt8](Data(contentsOf: InvalidCorpus.directory.appendingPathComponent(name)))
        let header = InvalidCorpus.header(of: String(decoding: bytes, as: UTF8.self))
        try #require(!header.expectations.isEmpty, "\(name) states no '# expect:' line")

        let result = ManifestLoader().load([ManifestFile(path: name, bytes: bytes)])

        #expect(result.diagnostics.map(InvalidCorpus.render) == header.expectations)
        #expect(!result.isValid, "an invalid fixture must not load as valid")
        for diagnostic in result.diagnostics {
            #expect(diagnostic.location.file == name)
            #expect(diagnostic.description == "\(name):\(InvalidCorpus.render(diagnostic))")
        }
    }

    /// Inline content values are secrets: no message may repeat them, even in part.
    @Test(arguments: InvalidCorpus.fixtures.filter { name in
        let text = (try? String(contentsOf: InvalidCorpus.directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
        return !InvalidCorpus.header(of: text).secrets.isEmpty
    })
    func messagesNeverContainInlineValues(_ name: String) throws {
        let bytes = try [UInt8](Data(contentsOf: InvalidCorpus.directory.appendingPathComponent(name)))
        let secrets = InvalidCorpus.header(of: String(decoding: bytes, as: UTF8.self)).secrets
        let result = ManifestLoader().load([ManifestFile(path: name, bytes: bytes)])
        #expect(!result.diagnostics.isEmpty)
        for diagnostic in result.diagnostics {
            for secret in secrets {
                #expect(!diagnostic.description.contains(secret), "\(diagnostic.location) repeats an inline value")
            }
        }
    }

    @Test func inlineValueFixturesAreMarked() {
        // Every fixture that writes an inline value on purpose lists it, so the check above covers it.
        let marked = InvalidCorpus.fixtures.filter { name in
            let text = (try? String(contentsOf: InvalidCorpus.directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
            return !InvalidCorpus.header(of: text).secrets.isEmpty
        }
        #expect(marked.count >= 5)
        for name in InvalidCorpus.fixtures where name.hasPrefix("inline-") {
            #expect(marked.contains(name), "\(name) writes an inline value but lists no '# secret:' line")
        }
    }

    @Test func fiveProblemsAreFiveDiagnostics() throws {
        let name = "five-problems.yaml"
        let bytes = try [UInt8](Data(contentsOf: InvalidCorpus.directory.appendingPathComponent(name)))
        let result = ManifestLoader().load([ManifestFile(path: name, bytes: bytes)])
        #expect(result.errors.count == 5)
        #expect(result.warnings.isEmpty)
        #expect(Set(result.diagnostics.map(\.location.line)).count == 5, "five problems on five lines")
    }

    @Test func fixturesAreSelfContained() throws {
        // Fixtures are self-contained: a reference error appears only where the fixture is about one.
        for name in InvalidCorpus.fixtures where !name.hasPrefix("undeclared-") && name != "five-problems.yaml" {
            let bytes = try [UInt8](Data(contentsOf: InvalidCorpus.directory.appendingPathComponent(name)))
            let result = ManifestLoader().load([ManifestFile(path: name, bytes: bytes)])
            #expect(!result.diagnostics.contains { $0.message.contains("is not declared") }, "\(name)")
        }
    }
}
