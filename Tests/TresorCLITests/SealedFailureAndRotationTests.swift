import Foundation
import Testing

/// Sealed values that must not open (copied, tampered, wrong key) stop the run before
/// anything is written; keys rotate with `reseal`, which rewrites only the sealed scalars.
@Suite struct SealedFailureAndRotationTests {
    typealias S = SealedValuesTests

    static let plaintext = "rotation-plaintext-K7x"
    static let other = "rotation-other-plaintext-2"

    static func twoSecrets(_ a: String, _ b: String) -> String {
        S.profile + S.secretManifest("alpha", type: "basicAuth", fields: [("password", a)])
            + S.secretManifest("beta", type: "apiKey", fields: [("content", b)])
    }

    /// Applies nothing: exit 1, a located message, no state directory at all.
    static func expectRefused(_ cli: CLI, keys: [String], message: String, at location: String) async throws {
        let result = try await cli.run(["apply", "-f", "m", "--state-dir", "state"] + keys.flatMap { ["--sealing-key", $0] })
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains(location), "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.path("state")))
        for output in [result.stdout, result.stderr] {
            #expect(!output.contains(plaintext) && !output.contains(other))
        }
    }

    @Test func copiedTamperedOrUnkeyedValuesAreLocatedAndNothingIsApplied() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try await S.keys(cli, "keys")
        try await S.keys(cli, "stranger")
        let alpha = try await S.seal(cli, key: "keys/sealing.pub", secret: "alpha", field: "password", value: Self.plaintext)
        let beta = try await S.seal(cli, key: "keys/sealing.pub", secret: "beta", field: "content", value: Self.other)
        let key = ["keys/sealing.key"]

        // alpha's value moved into beta: refused by validate and apply, offline.
        try cli.write(Self.twoSecrets(alpha, alpha), to: "m/all.yaml")
        let validate = try await cli.run(["validate", "m"])
        #expect(validate.status == 1)
        #expect(validate.stdout.contains("m/all.yaml:23:23: error: spec.content.content.sealed: bound to another secret or field"))
        try await Self.expectRefused(cli, keys: key, message: "(Secret 'beta' field 'content')", at: "m/all.yaml:23:23")

        // Sealed for another field of the same secret.
        let username = try await S.seal(cli, key: "keys/sealing.pub", secret: "alpha", field: "username", value: Self.plaintext)
        try cli.write(Self.twoSecrets(username, beta), to: "m/all.yaml")
        try await Self.expectRefused(cli, keys: key, message: "bound to another secret or field", at: "m/all.yaml:14:24")

        // One byte of the ciphertext changed: well-formed, so validate passes; apply refuses.
        var bytes = Array(alpha.utf8)
        let index = bytes.count - 12
        bytes[index] = bytes[index] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        try cli.write(Self.twoSecrets(String(decoding: bytes, as: UTF8.self), beta), to: "m/all.yaml")
        #expect(try await cli.run(["validate", "m"]).status == 0)
        try await Self.expectRefused(
            cli, keys: key, message: "error: Secret 'alpha' field 'password': cannot open the sealed value: tampered",
            at: "m/all.yaml:14:24")

        // Sealed to a key that is not held, or no key at all.
        try cli.write(Self.twoSecrets(alpha, beta), to: "m/all.yaml")
        try await Self.expectRefused(cli, keys: ["stranger/sealing.key"], message: "no key matches", at: "m/all.yaml:14:24")
        try await Self.expectRefused(cli, keys: [], message: "no sealing key was given", at: "m/all.yaml:23:23")

        // The untouched manifests apply.
        let applied = try await cli.run(["apply", "-f", "m", "--state-dir", "state", "--sealing-key", "keys/sealing.key"])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
    }

    @Test func rotationOldKeyOpensWhileHeldResealMovesToTheNewKeyAndKeepsEveryOtherByte() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try await S.keys(cli, "old")
        let alpha = try await S.seal(cli, key: "old/sealing.pub", secret: "alpha", field: "password", value: Self.plaintext)
        let beta = try await S.seal(cli, key: "old/sealing.pub", secret: "beta", field: "content", value: Self.other)
        // Two files, comments, quoted and plain scalars, flow and block mappings.
        let alphaText = String(alpha.dropFirst("{sealed: \"".count).dropLast(2))
        let written = S.profile + """
            ---
            # alpha: rotated with the others
            apiVersion: tresor.dev/v1alpha1
            kind: Secret
            metadata: {name: alpha}
            spec:
              type: basicAuth
              vaultProfile: main
              content:
                username: app   # not secret
                password:
                  sealed: \(alphaText)
            """ + "\n\n# end of file, no trailing newline after this"
        let second = "# beta\n" + S.secretManifest("beta", type: "apiKey", fields: [("content", beta)])
        try cli.write(written, to: "m/first.yaml")
        // As written (with the etcd store, the local profile gained a path).
        let first = try String(contentsOfFile: cli.path("m/first.yaml"), encoding: .utf8)
        // The second file is reached through a symbolic link, which must stay a link.
        try cli.write(second, to: "real/second.yml")
        try FileManager.default.createDirectory(atPath: cli.path("m/nested"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: cli.path("m/nested/second.yml"), withDestinationPath: "../../real/second.yml")
        let applied = try await cli.run(["apply", "-f", "m", "--state-dir", "state", "--sealing-key", "old/sealing.key"])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")

        // A new key: values sealed to the old one still open while it is held.
        try await S.keys(cli, "new")
        let both = ["--sealing-key", "new/sealing.key", "--sealing-key", "old/sealing.key"]
        #expect(try await cli.run(["plan", "-f", "m", "--state-dir", "state"] + both).status == 0)

        // reseal needs the old key to open; without it nothing is written.
        let refused = try await cli.run(["reseal", "-f", "m", "--public-key", "new/sealing.pub", "--sealing-key", "new/sealing.key"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("no key matches"))
        #expect(refused.stderr.contains("no file was changed"))
        #expect(try String(contentsOfFile: cli.path("m/first.yaml"), encoding: .utf8) == first)

        let resealed = try await cli.run(["reseal", "-f", "m", "--public-key", "new/sealing.pub", "--sealing-key", "old/sealing.key"])
        #expect(resealed.status == 0, "\(resealed.stderr)")
        #expect(resealed.stdout.contains("resealed 2 value(s) in 2 file(s)"))
        let firstAfter = try String(contentsOfFile: cli.path("m/first.yaml"), encoding: .utf8)
        let secondAfter = try String(contentsOfFile: cli.path("m/nested/second.yml"), encoding: .utf8)
        #expect(firstAfter != first && secondAfter != second)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: cli.path("m/nested/second.yml")) == "../../real/second.yml")
        // diff: only the lines holding a sealed value changed, and within them only the value.
        for (before, after) in [(first, firstAfter), (second, secondAfter)] {
            let changed = try await Self.diff(cli, before, after)
            #expect(changed.count == 2, "\(changed)")
            #expect(changed.allSatisfy { $0.contains("tresor-sealed.v1.") })
            #expect(Self.maskingSealed(before) == Self.maskingSealed(after))
        }
        for output in [resealed.stdout, resealed.stderr, firstAfter, secondAfter] {
            #expect(!output.contains(Self.plaintext) && !output.contains(Self.other))
        }

        // The new key alone opens everything; the content is unchanged, so nothing is written.
        let plan = try await cli.run(["plan", "-f", "m", "--state-dir", "state", "--sealing-key", "new/sealing.key"])
        #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
        let read = try await cli.run(["read", "alpha", "--field", "password", "-f", "m", "--state-dir", "state", "--sealing-key", "new/sealing.key"])
        #expect(read.stdout == Self.plaintext + "\n")
        let oldOnly = try await cli.run(["plan", "-f", "m", "--state-dir", "state", "--sealing-key", "old/sealing.key"])
        #expect(oldOnly.status == 1)
        #expect(oldOnly.stderr.contains("no key matches"))

        // Again: nothing left to reseal, no file rewritten.
        let again = try await cli.run(["reseal", "-f", "m", "--public-key", "new/sealing.pub", "--sealing-key", "new/sealing.key"])
        #expect(again.status == 0)
        #expect(again.stdout.contains("resealed 0 value(s) in 0 file(s)"))
        #expect(again.stdout.contains("2 already sealed to it"))
        #expect(try String(contentsOfFile: cli.path("m/first.yaml"), encoding: .utf8) == firstAfter)
    }

    /// The lines `diff` reports as removed or added.
    static func diff(_ cli: CLI, _ before: String, _ after: String) async throws -> [String] {
        try cli.write(before, to: "diff/before")
        try cli.write(after, to: "diff/after")
        let (old, new) = (cli.path("diff/before"), cli.path("diff/after"))
        // Off the cooperative pool: the test waits for a child process.
        let data: Data = try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(
                    with: Result {
                        let process = Process()
                        process.executableURL = URL(fileURLWithPath: "/usr/bin/diff")
                        process.arguments = [old, new]
                        let out = Pipe()
                        process.standardOutput = out
                        try process.run()
                        let data = out.fileHandleForReading.readDataToEndOfFile()
                        process.waitUntilExit()
                        return data
                    })
            }.start()
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix("<") || $0.hasPrefix(">") }.map(String.init)
    }

    static func maskingSealed(_ text: String) -> String {
        text.replacing(/tresor-sealed\.v1\.[A-Za-z0-9+\/=]+/, with: "SEALED")
    }
}
