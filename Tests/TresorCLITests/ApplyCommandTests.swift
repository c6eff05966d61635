import Foundation
import Testing
import TresorTestSupport

/// `main` and its sync target `copy`, both on the local vault.
let profilesYAML = TestManifests.localProfile("main") + TestManifests.localProfile("copy")

func secretYAML(_ name: String, value: String, generated: Bool = false) -> String {
    TestManifests.secret(
        name, "syncVaultProfiles: [copy]", "allowInlineValues: true", "content:", "  username: app",
        generated ? "  password: {generate: {length: 20}}" : "  password: \(value)")
}

extension CLI {
    /// A workspace whose `m/all.yaml` holds the `main` and `copy` profiles and, for each
    /// name, a secret in `main` copied to `copy` with that password (``secretYAML``).
    static func declaring(secrets: (name: String, password: String)...) throws -> CLI {
        let cli = try CLI()
        do {
            try cli.write(profilesYAML + secrets.map { secretYAML($0.name, value: $0.password) }.joined(), to: "m/all.yaml")
        } catch {
            cli.cleanUp()
            throw error
        }
        return cli
    }
}

@Suite struct ApplyCommandTests {
    @Test func planExitsTwoWhenChangesArePendingAndZeroAfterApply() async throws {
        let cli = try CLI.declaring(secrets: ("one", "cli-secret-value-1"))
        defer { cli.cleanUp() }
        let pending = try await cli.run(["plan", "-f", "m", "--state-dir", "state"])
        #expect(pending.status == 2, "\(pending.stdout)\(pending.stderr)")
        #expect(pending.stdout.contains("+ create   main:one (source)"))
        let applied = try await cli.run(["apply", "-f", "m", "--state-dir", "state"])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        let clean = try await cli.run(["plan", "-f", "m", "--state-dir", "state"])
        #expect(clean.status == 0, "\(clean.stdout)")
        #expect(clean.stdout.contains("No changes"))
        let read = try await cli.run(["read", "one", "--field", "password", "-f", "m", "--state-dir", "state"])
        #expect(read.status == 0)
        #expect(read.stdout == "cli-secret-value-1\n")
        for output in [pending.stdout, applied.stdout, clean.stdout, pending.stderr, applied.stderr] {
            #expect(!output.contains("cli-secret-value-1"))
        }
        let get = try await cli.run(["get", "secrets", "--state-dir", "state"])
        #expect(get.stdout.contains("one    basicAuth   active"))
        let versions = try await cli.run(["versions", "one", "-o", "json", "--state-dir", "state"])
        #expect(versions.stdout.contains("\"number\" : 1"))
    }

    @Test func aRemovedSecretKeepsItsHistoryAndIsListedWithAll() async throws {
        let cli = try CLI.declaring(secrets: ("one", "kept-history-1"), ("two", "kept-history-2"))
        defer { cli.cleanUp() }
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state"]).status == 0)
        try cli.write(profilesYAML + secretYAML("two", value: "kept-history-2"), to: "m/all.yaml")
        let pruned = try await cli.run(["apply", "-f", "m", "--state-dir", "state"])
        #expect(pruned.status == 0, "\(pruned.stdout)\(pruned.stderr)")
        #expect(pruned.stdout.contains("< release  main:one (source)"))
        let listed = try await cli.run(["get", "secrets", "--state-dir", "state"])
        #expect(!listed.stdout.contains("one "))
        let all = try await cli.run(["get", "secrets", "--all", "--state-dir", "state"])
        #expect(all.stdout.contains("released"))
        let versions = try await cli.run(["versions", "one", "-o", "json", "--state-dir", "state"])
        #expect(versions.status == 0)
        #expect(versions.stdout.contains("\"number\" : 1"))
        #expect(try await cli.run(["describe", "secret", "one", "--state-dir", "state"]).stdout.contains("released"))
    }

    @Test func invalidManifestsApplyNothing() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.write(profilesYAML + secretYAML("one", value: "v") + "---\nkind: Nonsense\n", to: "m/all.yaml")
        let result = try await cli.run(["apply", "-f", "m", "--state-dir", "state"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("nothing was applied"))
        #expect(!FileManager.default.fileExists(atPath: cli.path("state/vaults")))
    }

    /// Names YAML 1.1 readers (PyYAML, yq 3, Ruby) take for booleans when written plain:
    /// `run` reads every status, inventory and approvals file back with PyYAML and
    /// ruamel.yaml, and records each leaf they read otherwise.
    @Test func statusFilesOfNamesLikeYesAndNoReadAlikeInEveryReader() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let profiles = profilesYAML.replacingOccurrences(of: "{name: main}", with: "{name: \"no\"}")
            .replacingOccurrences(of: "{name: copy}", with: "{name: \"off\"}")
        let secret = secretYAML("yes", value: "cli-secret-value-yes").replacingOccurrences(of: "{name: yes}", with: "{name: \"yes\"}")
            .replacingOccurrences(of: "vaultProfile: main", with: "vaultProfile: \"no\"")
            .replacingOccurrences(of: "syncVaultProfiles: [copy]", with: "syncVaultProfiles: [\"off\"]")
        try cli.write(profiles + secret, to: "m/all.yaml")
        let applied = try await cli.run(["apply", "-f", "m", "--state-dir", "state"])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        let status = try cli.stateText("status/Secret/yes.yaml")
        #expect(status.contains("name: \"yes\"\n") && status.contains("sourceProfile: \"no\"\n"), "\(status)")
    }
}

/// Names from the command line never reach a path outside the state directory nor the
/// terminal raw; temp files of killed runs are removed when the state lock is next taken.
@Suite struct StateDirectoryHygieneTests {
    @Test func describeAndVersionsRefuseNamesThatLeaveTheStateDirectory() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.write("name: outside\ntype: apiKey\nstate: active\nobservedGeneration: x\nsourceProfile: main\n", to: "outside.yaml")
        try cli.write(profilesYAML + secretYAML("one", value: "hygiene-1"), to: "m/all.yaml")
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state"]).status == 0)
        for command in [["describe", "secret"], ["versions"]] {
            let result = try await cli.run(command + ["../../outside", "--state-dir", "state"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("is not a secret name"))
            #expect(!result.stdout.contains("outside"))
        }
        let hostile = try await cli.run(["describe", "secret", "evil\u{1B}[2J\u{1B}]0;PWNED\u{07}", "--state-dir", "state"])
        #expect(hostile.status == 1)
        #expect(!hostile.stderr.contains("\u{1B}") && !hostile.stdout.contains("\u{1B}"))
        #expect(hostile.stderr.contains("\\u{1B}"))
    }

    @Test(.directoryStoreOnly("the directory is not created"))
    func planOnAFreshDirectoryCreatesNothingAndSaysItsKeysAreThrowaway() async throws {
        let cli = try CLI.declaring(secrets: ("one", "hygiene-3"))
        defer { cli.cleanUp() }
        let planned = try await cli.run(["plan", "-f", "m", "--state-dir", "state"])
        #expect(planned.status == 2, "\(planned.stderr)")
        #expect(planned.stdout.contains("+ create   main:one (source)"))
        #expect(planned.stderr.contains("holds no state yet; this plan used throwaway keys and wrote nothing"))
        #expect(!FileManager.default.fileExists(atPath: cli.path("state")))
    }

    @Test(.directoryStoreOnly("compares the files of the directory"))
    func planOnExistingStateChangesNoFile() async throws {
        let cli = try CLI.declaring(secrets: ("one", "hygiene-4"))
        defer { cli.cleanUp() }
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state"]).status == 0)
        // State from before check values: a read-only command must not add them.
        try FileManager.default.removeItem(atPath: cli.path("state/fingerprint.check"))
        try cli.write(profilesYAML + secretYAML("one", value: "hygiene-5"), to: "m/all.yaml")
        let before = try Self.snapshot(cli.path("state"))
        #expect(try await cli.run(["plan", "-f", "m", "--state-dir", "state"]).status == 2)
        #expect(try Self.snapshot(cli.path("state")) == before)
    }

    /// Every file and directory under `root`, with its bytes and modification time.
    static func snapshot(_ root: String) throws -> [String: String] {
        var entries: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let relative = enumerator?.nextObject() as? String {
            let attributes = try FileManager.default.attributesOfItem(atPath: root + "/" + relative)
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: root + "/" + relative))) ?? Data()
            entries[relative] = "\(modified) \(bytes.base64EncodedString())"
        }
        return entries
    }

    @Test(.directoryStoreOnly("temp files of the directory's atomic writes"))
    func temporaryFilesOfKilledRunsAreRemovedWhenTheLockIsTaken() async throws {
        let cli = try CLI.declaring(secrets: ("one", "hygiene-2"))
        defer { cli.cleanUp() }
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state"]).status == 0)
        // A writer that is gone: a process that has ended.
        let ended = Process()
        ended.executableURL = URL(fileURLWithPath: "/bin/true")
        try ended.run()
        ended.waitUntilExit()
        let leftover = "state/status/Secret/one.yaml.tmp-\(ended.processIdentifier)-12345"
        let live = "state/status/Secret/one.yaml.tmp-\(ProcessInfo.processInfo.processIdentifier)-6789"
        try cli.write("half a status", to: leftover)
        try cli.write("a write in progress", to: live)
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: cli.path(leftover)))
        #expect(FileManager.default.fileExists(atPath: cli.path(live)))
    }
}

/// A damaged or edited status file is named; the others are still listed.
@Suite(.directoryStoreOnly("edits status files by hand")) struct DamagedStatusTests {
    @Test func oneCorruptStatusFileDoesNotHideTheOthers() async throws {
        let cli = try CLI.declaring(secrets: ("one", "damage-1"), ("two", "damage-2"))
        defer { cli.cleanUp() }
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state"]).status == 0)
        try cli.write("name: one\ntype: noSuchType\n", to: "state/status/Secret/one.yaml")
        let listed = try await cli.run(["get", "secrets", "--state-dir", "state"])
        #expect(listed.status == 1)
        #expect(listed.stdout.contains("two"))
        #expect(listed.stderr.contains("damaged") && listed.stderr.contains("one.yaml"))
        #expect(try await cli.run(["describe", "secret", "two", "--state-dir", "state"]).status == 0)
    }

    @Test func inventedVersionsAreRefusedNotShownAsHistory() async throws {
        let cli = try CLI.declaring(secrets: ("one", "history-1"))
        defer { cli.cleanUp() }
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state"]).status == 0)
        let path = cli.path("state/status/Secret/one.yaml")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "number: 1", with: "number: 7").write(toFile: path, atomically: true, encoding: .utf8)
        let versions = try await cli.run(["versions", "one", "--state-dir", "state"])
        #expect(versions.status == 1)
        #expect(versions.stderr.contains("version 7 stands where version 1 belongs"))
    }
}

/// `tresor audit verify` checks the audit log's hash chain.
@Suite(.directoryStoreOnly("edits audit.log by hand; LeaderFenceTests+AuditChain edits the chain in etcd"))
struct AuditVerifyCommandTests {
    @Test func anEditedAuditLineIsNamed() async throws {
        let cli = try CLI.declaring(secrets: ("one", "audit-1"), ("two", "audit-2"))
        defer { cli.cleanUp() }
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state"]).status == 0)
        let intact = try await cli.run(["audit", "verify", "--state-dir", "state"])
        #expect(intact.status == 0, "\(intact.stderr)")
        #expect(intact.stdout.contains("the chain holds"))
        let path = cli.path("state/audit.log")
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count >= 3)
        lines[1] = lines[1].replacingOccurrences(of: "\"actor\":\"", with: "\"actor\":\"someone-else ")
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let broken = try await cli.run(["audit", "verify", "--state-dir", "state"])
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("line 3 does not follow line 2"))
    }
}

/// `read` fails closed: on a full disk (here `ulimit -f`, with SIGXFSZ ignored so the
/// write fails instead of killing the process) its audit line cannot be written, and no
/// value is printed; the log keeps no torn line.
@Suite(.directoryStoreOnly("a file size limit on audit.log")) struct ReadFailsClosedTests {
    @Test func aReadWhoseAuditLineCannotBeWrittenPrintsNothing() async throws {
        let cli = try CLI.declaring(secrets: ("one", "fail-closed-value-1"))
        defer { cli.cleanUp() }
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state"]).status == 0)
        let auditPath = cli.path("state/audit.log")
        let before = try Data(contentsOf: URL(fileURLWithPath: auditPath))
        // bash counts -f in blocks of 1024 bytes: nothing past the log's current end fits.
        let blocks = before.count / 1024
        let script = "trap '' XFSZ; ulimit -f \(blocks); exec \"$0\" read one --field password -f m --state-dir state"
        let full = try await cli.run(["-c", script, CLI.binary], executable: "/bin/bash")
        #expect(full.status != 0)
        #expect(!full.stdout.contains("fail-closed-value-1") && !full.stderr.contains("fail-closed-value-1"))
        #expect(full.stderr.contains("cannot write the audit log"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: auditPath)) == before)
        let read = try await cli.run(["read", "one", "--field", "password", "-f", "m", "--state-dir", "state"])
        #expect(read.status == 0)
        #expect(read.stdout == "fail-closed-value-1\n")
    }
}

/// Read-only commands write nothing, and tresor leaves the mode of a directory it did not
/// create alone (and says when others may write there).
@Suite struct ReadOnlyCommandsTests {
    @Test func getAndDescribeOnAMissingStateDirectoryCreateNothing() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let listed = try await cli.run(["get", "secrets", "--state-dir", "nowhere"])
        #expect(listed.status == 0)
        _ = try await cli.run(["describe", "secret", "one", "--state-dir", "nowhere"])
        #expect(!FileManager.default.fileExists(atPath: cli.path("nowhere")))
    }

    @Test func aSharedStateDirectoryKeepsItsModeAndIsWarnedAbout() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try FileManager.default.createDirectory(atPath: cli.path("shared"), withIntermediateDirectories: true)
        chmod(cli.path("shared"), 0o1777)
        try cli.write(profilesYAML + secretYAML("one", value: "shared-1"), to: "m/all.yaml")
        let applied = try await cli.run(["apply", "-f", "m", "--state-dir", "shared"])
        #expect(applied.status == 0)
        #expect(applied.stderr.contains("writable by its group or others"))
        _ = try await cli.run(["get", "secrets", "--state-dir", "shared"])
        let mode = try FileManager.default.attributesOfItem(atPath: cli.path("shared"))[.posixPermissions] as? Int
        #expect(mode == 0o1777)
    }
}

/// A key is made only where nothing it protects exists; a missing or wrong key stops the
/// command with the file named, and nothing is written.
@Suite struct KeyGuardTests {
    func applied(_ cli: CLI) async throws {
        try cli.write(profilesYAML + secretYAML("one", value: "keyguard-1"), to: "m/all.yaml")
        #expect(try await cli.run(["apply", "-f", "m", "--state-dir", "state"]).status == 0)
    }

    @Test(.directoryStoreOnly("removes fingerprint.key"))
    func aMissingFingerprintKeyIsNotReplaced() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try await applied(cli)
        let key = cli.path("state/fingerprint.key")
        try FileManager.default.moveItem(atPath: key, toPath: cli.path("fingerprint.key.backup"))
        let plan = try await cli.run(["plan", "-f", "m", "--state-dir", "state"])
        #expect(plan.status == 1)
        #expect(plan.stderr.contains("fingerprint.key is missing") && plan.stderr.contains("restore the key file"))
        #expect(!FileManager.default.fileExists(atPath: key))
        try FileManager.default.moveItem(atPath: cli.path("fingerprint.key.backup"), toPath: key)
        #expect(try await cli.run(["plan", "-f", "m", "--state-dir", "state"]).status == 0)
    }

    @Test func aWrongOrMissingVaultKeyStopsEveryCommand() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try await applied(cli)
        let key = cli.path("state/local.key")
        let original = try Data(contentsOf: URL(fileURLWithPath: key))
        try Data(repeating: 7, count: 32).write(to: URL(fileURLWithPath: key))
        chmod(key, 0o600)
        let wrong = try await cli.run(["plan", "-f", "m", "--state-dir", "state"])
        #expect(wrong.status == 1)
        #expect((wrong.stdout + wrong.stderr).contains("local.key is not the key that made this state"))
        try FileManager.default.removeItem(atPath: key)
        let missing = try await cli.run(["apply", "-f", "m", "--state-dir", "state"])
        #expect(missing.status == 1)
        #expect((missing.stdout + missing.stderr).contains("local.key is missing"))
        #expect(!FileManager.default.fileExists(atPath: key))
        try original.write(to: URL(fileURLWithPath: key))
        chmod(key, 0o600)
        #expect(try await cli.run(["plan", "-f", "m", "--state-dir", "state"]).status == 0)
    }
}
