import Foundation
import Testing
import TresorTestSupport

@testable import TresorCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Input nobody should write but someone will: the loader must neither crash nor hang,
/// and must say what is wrong in a message of reasonable size.
@Suite("Hostile input")
struct HostileInputTests {
    /// The `dev` profile in block style, ending in a line break.
    static let profile = ManifestLoaderTests.profile + "\n"

    static func load(_ bytes: [UInt8], path: String = "hostile.yaml") -> LoadResult {
        ManifestLoader().load([ManifestFile(path: path, bytes: bytes)])
    }

    static func load(_ text: String) -> LoadResult { load(Array(text.utf8)) }

    static func rendered(_ result: LoadResult) -> [String] {
        result.diagnostics.map { "\($0.location.line):\($0.location.column): \($0.severity.rawValue): \($0.message)" }
    }

    /// No message may carry a large piece of the input.
    static func expectShortMessages(_ result: LoadResult, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        for diagnostic in result.diagnostics {
            #expect(diagnostic.message.utf8.count < 400, "message of \(diagnostic.message.utf8.count) bytes", sourceLocation: sourceLocation)
        }
    }

    /// A small deterministic generator, so that a failure can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    // MARK: Empty and non-manifest documents

    @Test(arguments: [
        ("empty", ""),
        ("only comments", "# tresor manifests go here\n# (none yet)\n"),
        ("only blank lines", "\n\n   \n"),
        ("only document markers", "---\n---\n...\n"),
        ("a null document", "~\n"),
    ])
    func fileWithoutManifestsIsAnError(_ label: String, _ text: String) {
        let result = Self.load(text)
        #expect(Self.rendered(result) == ["1:1: error: file holds no manifests; add one or remove the file"], "\(label)")
    }

    @Test(arguments: [
        ("just a sentence\n", "a string"),
        ("42\n", "an integer"),
        ("true\n", "a boolean"),
        ("- apiVersion: tresor.dev/v1alpha1\n  kind: VaultProfile\n", "a list"),
        ("[1, 2, 3]\n", "a list"),
    ])
    func documentThatIsNotAMappingIsAnError(_ text: String, _ kind: String) {
        let result = Self.load(text)
        #expect(
            Self.rendered(result) == [
                "1:1: error: expected a manifest (a mapping with apiVersion, kind, metadata and spec), got \(kind)"
            ])
    }

    // MARK: Binary and encodings

    @Test func randomBytesNeverCrash() {
        var random = SplitMix(state: 0x7E50_12)
        for round in 0..<200 {
            let count = Int.random(in: 0...4096, using: &random)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            let result = Self.load(bytes)
            #expect(!result.isValid, "round \(round)")
            Self.expectShortMessages(result)
            for diagnostic in result.diagnostics {
                #expect(diagnostic.location.line >= 1 && diagnostic.location.column >= 1, "round \(round)")
            }
        }
    }

    @Test func nulBytesAreRefusedAsBinary() {
        let result = Self.load([UInt8](repeating: 0, count: 4096))
        #expect(Self.rendered(result) == ["1:1: error: malformed YAML: control characters are not allowed (is this a binary file?)"])
    }

    @Test func nulByteInsideAManifestIsPlaced() {
        var bytes = Array(Self.profile.utf8)
        // Line 3 is `metadata: {name: dev}`; the NUL replaces the `d` of `dev`, column 18.
        let lineStart = bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") }[1] + 1
        bytes[lineStart + 17] = 0
        let result = Self.load(bytes)
        #expect(Self.rendered(result) == ["3:18: error: malformed YAML: control characters are not allowed (is this a binary file?)"])
    }

    /// Found by fuzzing (Manifest): libyaml puts the end of a file whose last line has no
    /// line break on the line after it, so an error there named a line the file lacks.
    @Test func anErrorAtTheEndOfAFileWithoutAFinalLineBreakIsOnItsLastLine() {
        let result = Self.load(Self.profile + "---\nkind: Secret\nspec:\n  provider: {local: {")
        #expect(
            Self.rendered(result) == [
                "9:22: error: malformed YAML: did not find expected node content (while parsing a flow node that starts here and is never closed)"
            ])
    }

    @Test func latin1IsRefusedWithItsPlaceAndWithoutTheByte() throws {
        // `café` in Latin-1: 0xE9 is not UTF-8. It is the 47th character of line 3.
        var bytes = Array("apiVersion: tresor.dev/v1alpha1\nkind: VaultProfile\nmetadata: {name: dev, annotations: {owner: caf".utf8)
        bytes.append(0xE9)
        bytes += Array("}}\nspec:\n  provider: {local: {}}\n".utf8)
        let result = Self.load(bytes)
        #expect(result.errors.count == 1)
        let error = try #require(result.errors.first)
        #expect(error.location.line == 3)
        #expect(error.location.column == 47)
        #expect(error.message.hasPrefix("malformed YAML: "))
        #expect(error.message.hasSuffix("; manifests must be saved as UTF-8"))
    }

    /// YAML allows UTF-16 with a byte order mark, and libyaml reads it: such a file loads.
    @Test(arguments: [true, false])
    func utf16WithByteOrderMarkLoads(_ littleEndian: Bool) throws {
        let text = Self.profile
        var bytes: [UInt8] = littleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]
        for unit in text.utf16 {
            let pair = [UInt8(unit & 0xFF), UInt8(unit >> 8)]
            bytes += littleEndian ? pair : pair.reversed()
        }
        let result = Self.load(bytes)
        #expect(result.diagnostics.isEmpty)
        let profile = try #require(result.state.vaultProfiles["dev"])
        #expect(profile.spec.provider == .local(LocalProvider()))
        #expect(profile.origin.location.line == 3)
    }

    @Test func utf16ErrorsArePlacedByLine() {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in "apiVersion: tresor.dev/v1alpha1\nkind: VaultProfil\nmetadata: {name: dev}\nspec: {provider: {local: {}}}\n".utf16 {
            bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)]
        }
        let result = Self.load(bytes)
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.location.line == 2)
        #expect(result.errors.first?.location.column == 7)
        #expect(result.errors.first?.message.contains("did you mean 'VaultProfile'?") == true)
    }

    @Test func utf16WithoutByteOrderMarkIsRefused() {
        var bytes: [UInt8] = []
        for unit in Self.profile.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let result = Self.load(bytes)
        #expect(!result.isValid)
        #expect(result.errors.first?.message == "malformed YAML: control characters are not allowed (is this a binary file?)")
    }

    // MARK: Size

    static let tenMegabytes = 10 << 20

    /// A long username is not a secret and not tresor's to limit: the vault it is written to
    /// decides what it accepts. The loader keeps it whole, quickly.
    @Test func tenMegabyteUsernameLoads() throws {
        let username = String(repeating: "u", count: Self.tenMegabytes)
        let text = Self.profile + """
            ---
            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata: {name: db}
            spec:
              type: basicAuth
              vaultProfile: dev
              content:
                username: \(username)
                password: {fromEnv: DB_PASSWORD}

            """
        let result = Self.load(text)
        #expect(result.diagnostics.isEmpty)
        let secret = try #require(result.state.secrets["db"])
        guard case .literal(let value)? = secret.spec.content?["username"] else {
            Issue.record("username is not a literal")
            return
        }
        #expect(value.reveal().utf8.count == Self.tenMegabytes)
    }

    @Test func tenMegabyteFieldNameIsShortenedInTheMessage() {
        // An explicit key (`? key`) has no length limit in YAML; a plain one does (see below).
        let key = String(repeating: "k", count: Self.tenMegabytes)
        let result = Self.load(Self.profile.replacingOccurrences(of: "spec:\n", with: "spec:\n  ? \(key)\n  : 1\n"))
        #expect(result.errors.count == 1)
        let message = result.errors.first?.message ?? ""
        #expect(message.hasPrefix("unknown field 'kkkk"))
        #expect(message.contains("… (10485760 bytes)' in spec; expected one of: provider"))
        Self.expectShortMessages(result)
    }

    @Test func tenMegabytePlainKeyIsMalformedYAMLWithAShortMessage() {
        let key = String(repeating: "k", count: Self.tenMegabytes)
        let result = Self.load(Self.profile.replacingOccurrences(of: "spec:\n", with: "spec:\n  \(key): 1\n"))
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.message.hasPrefix("malformed YAML: ") == true)
        Self.expectShortMessages(result)
    }

    @Test func tenMegabyteApiVersionAndKindAreShortenedInTheMessage() {
        let long = String(repeating: "v", count: Self.tenMegabytes)
        let text = Self.profile
            .replacingOccurrences(of: "apiVersion: tresor.dev/v1alpha1", with: "apiVersion: tresor.dev/\(long)")
            .replacingOccurrences(of: "kind: VaultProfile", with: "kind: \(long)")
        let result = Self.load(text)
        #expect(result.errors.count == 2)
        #expect(result.errors.first?.message.hasPrefix("apiVersion: 'tresor.dev/vvvv") == true)
        #expect(result.errors.first?.message.hasSuffix("… (10485771 bytes)' is not supported; expected tresor.dev/v1alpha1") == true)
        #expect(result.errors.last?.message.hasPrefix("kind: 'vvvv") == true)
        Self.expectShortMessages(result)
    }

    // MARK: Depth and aliases

    static let depthMessage = "nesting deeper than \(YAMLParser.maxDepth) levels; manifests are never this deep"

    @Test func tenThousandNestedFlowMappingsAreRefused() {
        let depth = 10_000
        let text = String(repeating: "{a: ", count: depth) + "1" + String(repeating: "}", count: depth) + "\n"
        let result = Self.load(text)
        // The mapping that is one too deep starts at column 4 × 64 + 1.
        #expect(Self.rendered(result) == ["1:\(4 * YAMLParser.maxDepth + 1): error: \(Self.depthMessage)"])
    }

    @Test func tenThousandNestedBlockMappingsAreRefused() {
        // Line n is n - 1 spaces and `a:`: 50 MB in all, written into one buffer of spaces.
        let depth = 10_000
        var bytes = [UInt8](repeating: UInt8(ascii: " "), count: depth * (depth - 1) / 2 + depth * 3 + depth + 2)
        var offset = 0
        for level in 0..<depth {
            offset += level
            bytes[offset] = UInt8(ascii: "a")
            bytes[offset + 1] = UInt8(ascii: ":")
            bytes[offset + 2] = UInt8(ascii: "\n")
            offset += 3
        }
        offset += depth
        bytes[offset] = UInt8(ascii: "1")
        bytes[offset + 1] = UInt8(ascii: "\n")
        let result = Self.load(bytes)
        // Mapping n starts at line n, column n; the 65th is one too deep.
        #expect(
            Self.rendered(result) == ["\(YAMLParser.maxDepth + 1):\(YAMLParser.maxDepth + 1): error: \(Self.depthMessage)"])
    }

    @Test func tenThousandNestedBlockSequencesAreRefused() {
        let text = String(repeating: "- ", count: 10_000) + "a\n"
        let result = Self.load(text)
        #expect(Self.rendered(result) == ["1:\(2 * YAMLParser.maxDepth + 1): error: \(Self.depthMessage)"])
    }

    static let aliasMessage =
        "document expands to more than \(YAMLParser.maxExpandedNodes) nodes through aliases; remove the nested anchors and aliases"

    /// Nine levels of nine aliases: 9^9 (387 million) nodes if expanded. The walk charges each
    /// alias its expanded size, so it stops after a few hundred events instead.
    @Test func billionLaughsIsRefused() {
        var text = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        for (previous, name) in zip(names, names.dropFirst()) {
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
        }
        let result = Self.load(text)
        #expect(Self.rendered(result) == ["1:1: error: \(Self.aliasMessage)"])
    }

    @Test func billionLaughsOfMappingsInsideAManifestIsRefused() {
        var text = Self.profile + "---\n"
        text += "x0: &x0 {a: 1, b: 1, c: 1, d: 1, e: 1, f: 1, g: 1, h: 1, i: 1, j: 1}\n"
        for level in 1...8 {
            text += "x\(level): &x\(level) {" + (0..<10).map { "k\($0): *x\(level - 1)" }.joined(separator: ", ") + "}\n"
        }
        let result = Self.load(text)
        // The second document starts at its `---`, line 6.
        #expect(Self.rendered(result) == ["6:1: error: \(Self.aliasMessage)"])
    }

    /// Found at 100,000 secrets: the guard counted every node, so tresor's own inventory
    /// (about 12 nodes a secret) was refused as an alias bomb and the state was unusable.
    /// Only what aliases add is limited; written-out nodes cost input bytes.
    @Test func aDocumentOfMoreThanAMillionWrittenNodesParses() throws {
        let count = YAMLParser.maxExpandedNodes + 1_000
        let text = "[" + String(repeating: "0,", count: count - 1) + "0]\n"
        let result = YAMLParser.parse(Array(text.utf8))
        #expect(result.error == nil)
        guard case .sequence(let items, _)? = result.documents.first?.root else {
            Issue.record("no sequence")
            return
        }
        #expect(items.count == count)
    }

    @Test func modestAliasesAreFine() throws {
        let text = """
            apiVersion: tresor.dev/v1alpha1
            kind: VaultProfile
            metadata: {name: dev, labels: &labels {team: payments, tier: gold}, annotations: *labels}
            spec:
              provider: {local: {}}

            """
        let result = Self.load(text)
        #expect(result.diagnostics.isEmpty)
        let metadata = try #require(result.state.vaultProfiles["dev"]).metadata
        #expect(metadata.labels == ["team": "payments", "tier": "gold"])
        #expect(metadata.annotations == metadata.labels)
    }

    /// Anchors belong to their document, as YAML defines them.
    @Test func aliasToAnAnchorOfAnotherDocumentIsAnError() {
        let text = Self.profile.replacingOccurrences(of: "{name: dev}", with: "{name: dev, labels: &labels {team: payments}}")
            + "---\n" + Self.profile.replacingOccurrences(of: "{name: dev}", with: "{name: dr, labels: *labels}")
        let result = Self.load(text)
        #expect(Self.rendered(result) == ["9:30: error: malformed YAML: alias '*labels' refers to no anchor"])
    }

    @Test func aliasToAnUnknownAnchorIsAnError() {
        let result = Self.load(Self.profile.replacingOccurrences(of: "{name: dev}", with: "{name: *nothing}"))
        #expect(Self.rendered(result) == ["3:18: error: malformed YAML: alias '*nothing' refers to no anchor"])
    }

    // MARK: Truncation and corruption

    static let sample = Self.profile + """
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: Secret
        metadata: {name: db, labels: {team: payments}}
        spec:
          type: basicAuth
          vaultProfile: dev
          content:
            username: "payments"
            password: {generate: {length: 32, characterClasses: [lower, upper, digit]}}
          rotation: {every: 90d}
          refreshInterval: 10m

        """

    @Test func everyTruncationLoadsWithoutCrashing() {
        let bytes = Array(Self.sample.utf8)
        let lines = bytes.filter { $0 == UInt8(ascii: "\n") }.count + 1
        for length in 0...bytes.count {
            let result = Self.load(Array(bytes.prefix(length)))
            for diagnostic in result.diagnostics {
                #expect((1...lines).contains(diagnostic.location.line), "truncated at \(length): \(diagnostic)")
                #expect(diagnostic.location.column >= 1, "truncated at \(length): \(diagnostic)")
            }
        }
        #expect(Self.load(bytes).diagnostics.isEmpty)
    }

    @Test func byteFlipsLoadWithoutCrashing() {
        var random = SplitMix(state: 42)
        let original = Array(Self.sample.utf8)
        let alphabet = Array("{}[]:,-?&*!|>'\"%@`# \n\t\u{0}aZ9".utf8) + [0xC3, 0xE9, 0xFF]
        for round in 0..<1_000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = alphabet.randomElement(using: &random)!
            }
            let result = Self.load(bytes)
            Self.expectShortMessages(result)
            for diagnostic in result.diagnostics {
                #expect(diagnostic.location.line >= 1, "round \(round): \(diagnostic)")
            }
        }
    }
}

// MARK: - Files and directories

extension HostileInputTests {
    /// Through `ManifestFiles.read`: links, permissions and paths that are not what they seem.
    @Suite("Hostile file trees")
    struct FileTrees {
        /// A fresh directory under the temporary directory, removed when `body` returns.
        static func withTemporaryDirectory(_ body: (String) throws -> Void) throws {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-hostile-\(UUID().uuidString)", isDirectory: true)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: url) }
            try body(url.path)
        }

        static func write(_ text: String, to path: String) throws {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        }

        static let manifest = HostileInputTests.profile

        @Test func symlinkLoopToTheParentIsReportedAndNotFollowedForever() throws {
            try Self.withTemporaryDirectory { root in
                let dir = root + "/manifests"
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                try Self.write(Self.manifest, to: dir + "/profile.yaml")
                try FileManager.default.createSymbolicLink(atPath: dir + "/loop", withDestinationPath: "..")
                let found = ManifestFiles.read([dir])
                #expect(found.files.map(\.path) == [dir + "/profile.yaml"])
                #expect(found.diagnostics.map(\.description) == [
                    "\(dir)/loop/manifests: error: symbolic link loop: this directory contains itself; skipped"
                ])
            }
        }

        @Test func symlinkToItselfIsReported() throws {
            try Self.withTemporaryDirectory { root in
                try Self.write(Self.manifest, to: root + "/profile.yaml")
                try FileManager.default.createSymbolicLink(atPath: root + "/self", withDestinationPath: ".")
                try FileManager.default.createSymbolicLink(atPath: root + "/knot.yaml", withDestinationPath: "knot.yaml")
                let found = ManifestFiles.read([root])
                #expect(found.files.map(\.path) == [root + "/profile.yaml"])
                #expect(found.diagnostics.map(\.description) == [
                    "\(root)/knot.yaml: error: symbolic link leads nowhere (too many levels of symbolic links); fix or remove it",
                    "\(root)/self: error: symbolic link loop: this directory contains itself; skipped",
                ])
            }
        }

        @Test func danglingSymlinkIsReported() throws {
            try Self.withTemporaryDirectory { root in
                try FileManager.default.createSymbolicLink(atPath: root + "/gone.yaml", withDestinationPath: root + "/nowhere.yaml")
                let found = ManifestFiles.read([root])
                #expect(found.files.isEmpty)
                #expect(found.diagnostics.map(\.description) == [
                    "\(root)/gone.yaml: error: symbolic link leads nowhere (no such file or directory); fix or remove it"
                ])
                #expect(found.diagnostics.allSatisfy { $0.severity == .error })
            }
        }

        @Test func unreadableFileIsReported() throws {
            try Self.withTemporaryDirectory { root in
                let path = root + "/secret.yaml"
                try Self.write(Self.manifest, to: path)
                #expect(chmod(path, 0) == 0)
                defer { chmod(path, 0o600) }
                let readable = root + "/readable.yaml"
                try Self.write(Self.manifest, to: readable)
                #expect(chmod(root, 0o755) == 0 && chmod(readable, 0o644) == 0)
                let found = try asUnprivilegedReader { ManifestFiles.read([root]) }
                #expect(found.files.map(\.path) == [readable])
                #expect(found.diagnostics.map(\.description) == ["\(path): error: cannot read: permission denied"])
            }
        }

        @Test func nonexistentPathIsReported() throws {
            try Self.withTemporaryDirectory { root in
                let found = ManifestFiles.read([root + "/missing", root + "/missing.yaml"])
                #expect(found.files.isEmpty)
                #expect(found.diagnostics.map(\.description) == [
                    "\(root)/missing: error: cannot read: no such file or directory",
                    "\(root)/missing.yaml: error: cannot read: no such file or directory",
                ])
            }
        }

        @Test func nonYAMLFilesInDirectoriesAreIgnored() throws {
            try Self.withTemporaryDirectory { root in
                try Self.write(Self.manifest, to: root + "/profile.yaml")
                try Data([0, 1, 2, 0xFF]).write(to: URL(fileURLWithPath: root + "/binary.bin"))
                try Self.write("# notes", to: root + "/README.md")
                try Self.write("not: yaml: at: all", to: root + "/profile.yaml.bak")
                try Self.write("{", to: root + "/yaml")
                let found = ManifestFiles.read([root])
                #expect(found.files.map(\.path) == [root + "/profile.yaml"])
                #expect(found.diagnostics.isEmpty)
            }
        }

        @Test func dotDirectoriesAreSkipped() throws {
            try Self.withTemporaryDirectory { root in
                for hidden in [".git", ".tresor", ".cache/deep"] {
                    try FileManager.default.createDirectory(atPath: root + "/" + hidden, withIntermediateDirectories: true)
                    try Self.write("{ broken", to: root + "/" + hidden + "/x.yaml")
                }
                try Self.write("{ broken", to: root + "/.hidden.yaml")
                try Self.write(Self.manifest, to: root + "/profile.yml")
                let found = ManifestFiles.read([root])
                #expect(found.files.map(\.path) == [root + "/profile.yml"])
                #expect(found.diagnostics.isEmpty)
            }
        }

        /// Opening a named pipe would block until someone writes to it: it is never opened.
        @Test func namedPipeIsNeverOpened() throws {
            try Self.withTemporaryDirectory { root in
                #expect(mkfifo(root + "/pipe.yaml", 0o600) == 0)
                let walked = ManifestFiles.read([root])
                #expect(walked.files.isEmpty)
                #expect(walked.diagnostics.isEmpty)
                let named = ManifestFiles.read([root + "/pipe.yaml", "/dev/null"])
                #expect(named.files.isEmpty)
                #expect(named.diagnostics.map(\.description) == [
                    "\(root)/pipe.yaml: error: not a regular file or directory",
                    "/dev/null: error: not a regular file or directory",
                ])
            }
        }

        @Test func oversizedFileIsRefusedWithoutReadingIt() throws {
            try Self.withTemporaryDirectory { root in
                let path = root + "/huge.yaml"
                #expect(FileManager.default.createFile(atPath: path, contents: nil))
                // Sparse: 33 MiB of size, no blocks written.
                #expect(truncate(path, off_t(ManifestFiles.maxFileSize + (1 << 20))) == 0)
                let found = ManifestFiles.read([root])
                #expect(found.files.isEmpty)
                #expect(found.diagnostics.map(\.description) == [
                    "\(path): error: file is 33 MiB, larger than the 32 MiB a manifest file may be"
                ])
            }
        }

        @Test func sameFileReachedTwiceIsLoadedOnce() throws {
            try Self.withTemporaryDirectory { root in
                let path = root + "/profile.yaml"
                try Self.write(Self.manifest, to: path)
                try FileManager.default.createDirectory(atPath: root + "/sub", withIntermediateDirectories: true)
                try FileManager.default.createSymbolicLink(atPath: root + "/sub/alias.yaml", withDestinationPath: path)
                #expect(link(path, root + "/sub/hardlink.yaml") == 0)
                let found = ManifestFiles.read([path, root, root + "/", root + "/sub/alias.yaml", root + "/./profile.yaml"])
                #expect(found.files.map(\.path) == [path])
                #expect(found.diagnostics.isEmpty)
                // And so it is declared once: no "declared twice" error.
                #expect(ManifestLoader().load(found.files, preDiagnostics: found.diagnostics).diagnostics.isEmpty)
            }
        }
    }
}
