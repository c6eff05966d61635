import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Faults a careless operator, a full disk or a hostile one can cause, each injected
/// between two applies of a changed value: the apply under the fault exits non-zero with a
/// message that names the file and the fix, and writes nothing to any vault; once the
/// fault is removed the next apply converges with versions 1 and 2 exactly (none lost, none
/// doubled). A torn audit log is the exception the design makes: it is repaired, reported
/// and the pass goes on (a writer killed mid-line must not stop every later pass).
@Suite struct FaultInjectionTests {
    static let first = "fault-value-first"
    static let second = "fault-value-second"

    /// State at version 1 with the manifests already changed to a second value.
    static func prepared() async throws -> CLI {
        let cli = try CLI()
        try cli.write(profilesYAML + secretYAML("one", value: first), to: "m/all.yaml")
        let applied = try await cli.run(["apply", "-f", "m", "--state-dir", "state"])
        #expect(applied.status == 0, "\(applied.stderr)")
        try cli.write(profilesYAML + secretYAML("one", value: second), to: "m/all.yaml")
        return cli
    }

    /// The vault files, byte for byte.
    static func vaults(_ cli: CLI) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let root = cli.path("state/vaults")
        for relative in FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? [] {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[relative] = try Data(contentsOf: URL(fileURLWithPath: root + "/" + relative))
            }
        }
        return files
    }

    /// Runs `apply` under the fault, checks it refused cleanly, removes the fault and checks
    /// the next apply converges at exactly two versions.
    static func check(
        _ cli: CLI, mentions: [String], under run: () async throws -> CLI.Result, removeFault: () throws -> Void,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let before = try vaults(cli)
        let faulted = try await run()
        let output = faulted.stdout + faulted.stderr
        #expect(faulted.status != 0, "exit \(faulted.status): \(output)", sourceLocation: sourceLocation)
        for text in mentions { #expect(output.contains(text), "no '\(text)' in: \(output)", sourceLocation: sourceLocation) }
        #expect(!output.contains(first) && !output.contains(second), sourceLocation: sourceLocation)
        #expect(try vaults(cli) == before, "a vault file changed under the fault", sourceLocation: sourceLocation)
        try removeFault()
        try await expectConverged(cli, sourceLocation: sourceLocation)
    }

    static func expectConverged(_ cli: CLI, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let applied = try await cli.run(["apply", "-f", "m", "--state-dir", "state"])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)", sourceLocation: sourceLocation)
        let versions = try await cli.run(["versions", "one", "-o", "json", "--state-dir", "state"])
        let list = try JSONSerialization.jsonObject(with: Data(versions.stdout.utf8)) as? [[String: Any]] ?? []
        #expect(list.compactMap { $0["number"] as? Int } == [1, 2], "\(versions.stdout)", sourceLocation: sourceLocation)
        let read = try await cli.run(["read", "one", "--field", "password", "-f", "m", "--state-dir", "state"])
        #expect(read.stdout == second + "\n", sourceLocation: sourceLocation)
    }

    @Test(.directoryStoreOnly("a file size limit on audit.log"))
    func aFullDiskStopsThePassBeforeAVaultWriteItCannotAudit() async throws {
        let cli = try await Self.prepared()
        defer { cli.cleanUp() }
        // `ulimit -f` below the audit log's size: the log cannot grow, while the small vault
        // and status files still could be written; SIGXFSZ ignored so writes fail instead.
        let size = try FileManager.default.attributesOfItem(atPath: cli.path("state/audit.log"))[.size] as? Int ?? 0
        let script = "trap '' XFSZ; ulimit -f \(size / 1024); exec \"$0\" apply -f m --state-dir state"
        try await Self.check(
            cli, mentions: ["cannot write the audit log", "audit.log", "free space"],
            under: { try await cli.run(["-c", script, CLI.binary], executable: "/bin/bash") }, removeFault: {})
    }

    @Test(.directoryStoreOnly("a read-only status directory"))
    func aReadOnlyStatusDirectoryStopsThePassBeforeAnyVaultWrite() async throws {
        let cli = try await Self.prepared()
        defer { cli.cleanUp() }
        let status = cli.path("state/status/Secret")
        chmod(status, 0o500)
        // Root writes through any mode: run as an unprivileged owner of the directory instead.
        let asOwner = try UnprivilegedOwner(of: cli)
        try await Self.check(
            cli, mentions: ["status directory", "cannot be written", "give the user running tresor write access"],
            under: { try await asOwner.run(["apply", "-f", "m", "--state-dir", "state"]) },
            removeFault: {
                chmod(status, 0o700)
                try asOwner.giveBack()
            })
    }

    @Test func aMissingVaultKeyStopsThePass() async throws {
        let cli = try await Self.prepared()
        defer { cli.cleanUp() }
        let key = cli.path("state/local.key")
        try FileManager.default.moveItem(atPath: key, toPath: cli.path("local.key.backup"))
        try await Self.check(
            cli, mentions: ["local.key is missing", "restore the key file"],
            under: { try await cli.run(["apply", "-f", "m", "--state-dir", "state"]) },
            removeFault: { try FileManager.default.moveItem(atPath: cli.path("local.key.backup"), toPath: key) })
    }

    @Test(.directoryStoreOnly("replaces fingerprint.key"))
    func aWrongFingerprintKeyStopsThePass() async throws {
        let cli = try await Self.prepared()
        defer { cli.cleanUp() }
        let key = cli.path("state/fingerprint.key")
        let original = try Data(contentsOf: URL(fileURLWithPath: key))
        try Data(repeating: 9, count: 32).write(to: URL(fileURLWithPath: key))
        try await Self.check(
            cli, mentions: ["fingerprint.key is not the key that made this state", "restore the right key file"],
            under: { try await cli.run(["apply", "-f", "m", "--state-dir", "state"]) },
            removeFault: { try original.write(to: URL(fileURLWithPath: key)) })
    }

    /// A plan reads the inventory while its manifests load; its failure is still the plan's.
    @Test(.directoryStoreOnly("damages inventory.yaml by hand"))
    func aDamagedInventoryStopsPlanAndApply() async throws {
        let cli = try await Self.prepared()
        defer { cli.cleanUp() }
        let path = cli.path("state/inventory.yaml")
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        try Data("secrets: [one, two]\n".utf8).write(to: URL(fileURLWithPath: path))
        let mentions = ["inventory state/inventory.yaml cannot be read (.secrets: expected a mapping", "restore it from backup"]
        let planned = try await cli.run(["plan", "-f", "m", "--state-dir", "state"])
        #expect(planned.status == 1, "exit \(planned.status): \(planned.stdout)\(planned.stderr)")
        for text in mentions { #expect(planned.stderr.contains(text), "no '\(text)' in: \(planned.stderr)") }
        try await Self.check(
            cli, mentions: mentions, under: { try await cli.run(["apply", "-f", "m", "--state-dir", "state"]) },
            removeFault: { try original.write(to: URL(fileURLWithPath: path)) })
    }

    @Test(.directoryStoreOnly("edits a status file by hand"))
    func anEditedStatusFileStopsItsSecret() async throws {
        let cli = try await Self.prepared()
        defer { cli.cleanUp() }
        let path = cli.path("state/status/Secret/one.yaml")
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let edited = String(decoding: original, as: UTF8.self).replacingOccurrences(of: "number: 1", with: "number: 4")
        try Data(edited.utf8).write(to: URL(fileURLWithPath: path))
        try await Self.check(
            cli, mentions: ["one.yaml cannot be trusted", "restore it from backup"],
            under: { try await cli.run(["apply", "-f", "m", "--state-dir", "state"]) },
            removeFault: { try original.write(to: URL(fileURLWithPath: path)) })
    }

    @Test(.directoryStoreOnly("tears audit.log by hand"))
    func aTornAuditLogIsRepairedReportedAndThePassGoesOn() async throws {
        let cli = try await Self.prepared()
        defer { cli.cleanUp() }
        let handle = try #require(FileHandle(forWritingAtPath: cli.path("state/audit.log")))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"actor":"killed mid-li"#.utf8))
        try handle.close()
        try await Self.expectConverged(cli)
        let audit = try String(contentsOfFile: cli.path("state/audit.log"), encoding: .utf8)
        #expect(audit.contains("\"operation\":\"audit-repair\""))
        #expect(try await cli.run(["audit", "verify", "--state-dir", "state"]).status == 0)
    }
}

/// Runs the built binary as `nobody`, owner of the test's directory, when the tests run as
/// root (as in CI), where file modes would not stop a write; as another user, as is.
struct UnprivilegedOwner {
    let cli: CLI
    let binary: String

    init(of cli: CLI) throws {
        self.cli = cli
        guard geteuid() == 0 else {
            binary = CLI.binary
            return
        }
        // A copy the unprivileged user can reach wherever the build directory is.
        binary = cli.path("tresor-copy")
        try FileManager.default.copyItem(atPath: CLI.binary, toPath: binary)
        try Self.chown(cli.path(""), to: 65534)
    }

    func run(_ arguments: [String]) async throws -> CLI.Result {
        guard geteuid() == 0 else { return try await cli.run(arguments) }
        return try await cli.run(["--reuid=65534", "--regid=65534", "--clear-groups", binary] + arguments, executable: "/usr/bin/setpriv")
    }

    /// Hands the directory back to root, for the rest of the test.
    func giveBack() throws {
        if geteuid() == 0 { try Self.chown(cli.path(""), to: 0) }
    }

    static func chown(_ root: String, to owner: UInt32) throws {
        let paths = [root] + (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).map { root + "/" + $0 }
        for path in paths where lchown(path, owner, owner) != 0 {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
    }
}
