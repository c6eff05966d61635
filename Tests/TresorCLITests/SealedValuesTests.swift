import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `keys generate`, `seal`, `apply --sealing-key`, `reseal`: sealed values through the
/// built binary and the local vault.
@Suite struct SealedValuesTests {
    static let profile = """
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: main}
        spec: {provider: {local: {}}}

        """

    /// A value for every secret field of every type, each distinct so searches are exact.
    static let values: [(secret: String, type: String, field: String, value: String)] = [
        ("basic", "basicAuth", "password", "sealed-pw-Qx81!zz"),
        ("api", "apiKey", "content", "sealed-api-key-7Hh2"),
        ("jwt", "jwtToken", "content", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzZWFsZWQtand0In0.c2VhbGVkLXNpZ25hdHVyZQ"),
        ("pem", "privateKey", "content",
         "-----BEGIN PRIVATE KEY-----\nTUlJQmlnU2VhbGVkUHJpdmF0ZUtleUJvZHk=\n-----END PRIVATE KEY-----\n"),
        ("aes", "secretKey", "content", "c2VhbGVkLWFlcy1rZXktYnl0ZXMtMzItbG9uZyEhISE="),
        // A PKCS#12 file that the sealed password opens (every value is checked against its type).
        ("store", "keyStore", "content", "MIICpwIBAzCCAl0GCSqGSIb3DQEHAaCCAk4EggJKMIICRjCCAkIGCSqGSIb3DQEHBqCCAjMwggIvAgEAMIICKAYJKoZIhvcNAQcBMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAiN9HMx6LEX8AICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEC0+APRv7WDzfWO2UqTzDGaAggHAWOAwJ24G/59J2nQ45FP/u+t5PiwEL5mbpEL6FC/ZYCFekwIYSla6TDjUjuv6Ef4/FfLngsMuKzLMmxNU+bXHbLBk+TyUNIlSjsVUlTdGGD992C9rwxusuH/a5mwsLT13rQQEFulcagRKlmyJhk4lJ8sAbaS4fFVH0QZ8wG9ju3noxJIbhuAKoLsHChWpfTw523D2yDoYPMWlcN+nLwWOrsVRiYXnijFY4us44YdBllaDK8tyHsB9ngFOqOrDO+bKQQLEcW1QwnbtaAa6bXzYhe1Q4xF5EmMxs4Z37g+19zzdJLaG3kJj8PJ/n20MHzD9Hl8wVQ+wACl9ORcfo+D7JwDoeWLl+Xyj3YAyjAJb5XECoDNfU3N/gCMv3LDTz7mnrBdAnnUUJRdOQHO1IpEHrm3Jrltn+GTGWG/gpGZHkBhyjTcJKpyX7+qp2A4ntjnSlWsECN+tBb19IaH6Pk+aJvvZ6eshI09gd5Ck0lbP00Ov51B0+AEK/69wq3YToQbEF7rXDiL0rOpP4w5suTW7+0Vjnty5/75CWEYOSCbd9f2jnAvbc+ctB/3AHnvLe9aU4cejzultLVZLYdLSZqAvCTBBMDEwDQYJYIZIAWUDBAIBBQAEIJPUAKXft8kPhcsq6vtCI28fbrOczxN0V07Wq5b69hsWBAicma9Q7MPzUwICCAA="),
        ("store", "keyStore", "password", "sealed-store-pass-55"),
        ("kv", "keyValue", "DB_URL", "postgres://sealed-user:sealed-kv-pass@db/app"),
        ("kv", "keyValue", "TOKEN", "sealed-kv-token-0c1"),
        ("gen", "generic", "content", "sealed generic text with spaces"),
    ]

    static func secretManifest(_ name: String, type: String, fields: [(String, String)]) -> String {
        var content = ""
        switch type {
        case "basicAuth": content = "    username: app\n"
        case "keyStore": content = "    keyStoreType: PKCS12\n"
        case "keyValue": content = "    data:\n"
        default: break
        }
        let indent = type == "keyValue" ? "      " : "    "
        for (field, sealed) in fields { content += "\(indent)\(field): \(sealed)\n" }
        return """
            ---
            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata: {name: \(name)}
            spec:
              type: \(type)
              vaultProfile: main
              content:
            \(content)
            """
    }

    static func keys(_ cli: CLI, _ directory: String) async throws {
        let generated = try await cli.run(["keys", "generate", "--out", directory])
        #expect(generated.status == 0, "\(generated.stderr)")
    }

    static func seal(_ cli: CLI, key: String, secret: String, field: String, value: String, raw: Bool = false) async throws -> String {
        let result = try await cli.run(
            ["seal", "--public-key", key, "--secret", secret, "--field", field] + (raw ? ["--raw"] : []), input: value + (raw ? "" : "\n"))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("{sealed: \"tresor-sealed.v1."))
        return result.stdout.trimmingCharacters(in: .newlines)
    }

    /// The manifests of every value, sealed to `key`.
    static func writeAll(_ cli: CLI, key: String) async throws {
        var manifests = profile
        var bySecret: [String: (type: String, fields: [(String, String)])] = [:]
        var order: [String] = []
        for entry in values {
            let sealed = try await seal(cli, key: key, secret: entry.secret, field: entry.field, value: entry.value, raw: entry.type == "privateKey")
            if bySecret[entry.secret] == nil { order.append(entry.secret) }
            bySecret[entry.secret, default: (entry.type, [])].fields.append((entry.field, sealed))
        }
        for name in order {
            let secret = bySecret[name]!
            manifests += secretManifest(name, type: secret.type, fields: secret.fields)
        }
        try cli.write(manifests, to: "m/all.yaml")
    }

    static func readBack(_ cli: CLI, _ extra: [String] = []) async throws -> [String] {
        var read: [String] = []
        for entry in values {
            let result = try await cli.run(["read", entry.secret, "--field", entry.field, "-f", "m", "--state-dir", "state"] + extra)
            #expect(result.status == 0, "\(result.stderr)")
            // read prints the value and a newline.
            read.append(String(result.stdout.dropLast()))
        }
        return read
    }

    /// Every file under `directory`, as text, for searching.
    static func filesUnder(_ directory: String) -> [(String, String)] {
        guard let paths = FileManager.default.subpaths(atPath: directory) else { return [] }
        return paths.compactMap { relative in
            let path = directory + "/" + relative
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            return (relative, String(decoding: data, as: UTF8.self))
        }
    }

    @Test func everySecretFieldOfEveryTypeRoundTripsThroughSealApplyAndRead() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try await Self.keys(cli, "keys")
        try await Self.writeAll(cli, key: "keys/sealing.pub")
        let validate = try await cli.run(["validate", "m"])
        #expect(validate.status == 0, "\(validate.stdout)")
        let applied = try await cli.run(["apply", "-f", "m", "--state-dir", "state", "--sealing-key", "keys/sealing.key"])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        // read takes the content from the vault, so it needs no sealing key for it.
        let read = try await Self.readBack(cli)
        #expect(read == Self.values.map(\.value))
        // The same through TRESOR_SEALING_KEYS (':'-separated, empty entries ignored).
        let plan = try await cli.run(
            ["plan", "-f", "m", "--state-dir", "state"], environment: ["TRESOR_SEALING_KEYS": "keys/sealing.key::"])
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        // The plaintext is nowhere but in the vault's encrypted files and read's output.
        let outputs = [validate, applied, plan].flatMap { [$0.stdout, $0.stderr] }
        let files = Self.filesUnder(cli.path("state")) + Self.filesUnder(cli.path("m")) + Self.filesUnder(cli.path("keys"))
        for entry in Self.values {
            for output in outputs { #expect(!output.contains(entry.value), "a value appeared in output") }
            for (name, text) in files { #expect(!text.contains(entry.value), "a value appeared in \(name)") }
        }
        #expect(try cli.stateFile("audit.log") != nil, "the apply left an audit log")
    }

    @Test func sealReadsOneLineStripsOneNewlineAndRefusesEmptyInput() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try await Self.keys(cli, "keys")
        let empty = try await cli.run(["seal", "--public-key", "keys/sealing.pub", "--secret", "a", "--field", "password"], input: "\n")
        #expect(empty.status == 1)
        #expect(empty.stderr.contains("is empty"))
        let both = try await cli.run(
            ["seal", "--public-key", "keys/sealing.pub", "--secret", "a", "--vault-profile", "b", "--field", "x"], input: "v")
        #expect(both.status != 0)
        #expect(both.stderr.contains("exactly one of --secret NAME or --vault-profile NAME"))
        let badKey = try await cli.run(["seal", "--public-key", "keys/sealing.key", "--secret", "a", "--field", "password"], input: "v")
        #expect(badKey.status == 1)
        #expect(badKey.stderr.contains("public key file keys/sealing.key"))
        // Sealed with and without --raw: the trailing newline is kept only with --raw.
        try cli.write(Self.profile, to: "m/profile.yaml")
        var manifests = ""
        for (name, raw) in [("stripped", false), ("raw", true)] {
            let result = try await cli.run(
                ["seal", "--public-key", "keys/sealing.pub", "--secret", name, "--field", "content"] + (raw ? ["--raw"] : []),
                input: "line-value\n")
            manifests += Self.secretManifest(name, type: "apiKey", fields: [("content", result.stdout.trimmingCharacters(in: .newlines))])
        }
        try cli.write(manifests, to: "m/secrets.yaml")
        let applied = try await cli.run(["apply", "-f", "m", "--state-dir", "state", "--sealing-key", "keys/sealing.key"])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        let stripped = try await cli.run(["read", "stripped", "--field", "content", "-f", "m", "--state-dir", "state", "--sealing-key", "keys/sealing.key"])
        let raw = try await cli.run(["read", "raw", "--field", "content", "-f", "m", "--state-dir", "state", "--sealing-key", "keys/sealing.key"])
        #expect(stripped.stdout == "line-value\n")
        #expect(raw.stdout == "line-value\n\n")
    }

    @Test func keysGenerateWritesAPrivateFile0600AndNeverOverwrites() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try await Self.keys(cli, "keys")
        var info = stat()
        #expect(stat(cli.path("keys/sealing.key"), &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(info.st_size == 32)
        let publicText = try String(contentsOfFile: cli.path("keys/sealing.pub"), encoding: .utf8)
        #expect(publicText.contains("tresor-public-key.v1."))
        let before = FileManager.default.contents(atPath: cli.path("keys/sealing.key"))
        let again = try await cli.run(["keys", "generate", "--out", "keys"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("never overwrites"))
        #expect(FileManager.default.contents(atPath: cli.path("keys/sealing.key")) == before)
        // The public key given where the private one is meant is named as such.
        try cli.write(Self.profile, to: "m/profile.yaml")
        let swapped = try await cli.run(["plan", "-f", "m", "--state-dir", "state", "--sealing-key", "keys/sealing.pub"])
        #expect(swapped.status == 1)
        #expect(swapped.stderr.contains("keys/sealing.pub is a public key; --sealing-key takes the private key file"))
        // A private key open to others is refused.
        chmod(cli.path("keys/sealing.key"), 0o644)
        let open = try await cli.run(["plan", "-f", "m", "--state-dir", "state", "--sealing-key", "keys/sealing.key"])
        #expect(open.status == 1)
        #expect(open.stderr.contains("chmod 600"))
    }
}
