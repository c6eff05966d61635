import Foundation
import Testing

/// What a person at a terminal sees: `script` gives tresor a pseudo-terminal, as a shell would.
@Suite struct TerminalOutputTests {
    /// Runs `arguments` under `script` (util-linux) so standard output and error are a terminal.
    func onTerminal(_ cli: CLI, _ arguments: [String], environment: [String: String] = [:]) async throws -> CLI.Result {
        // The test runner's own NO_COLOR (if any) is not the user's: only `environment` sets it.
        let unset = environment["NO_COLOR"] == nil ? ["env", "-u", "NO_COLOR"] : []
        let command = (unset + [CLI.binary] + arguments).map { "'\($0)'" }.joined(separator: " ")
        return try await cli.run(["-qec", command, "/dev/null"], environment: environment.merging(["TERM": "xterm"]) { $1 }, executable: "/usr/bin/script")
    }

    func manySecrets(_ cli: CLI) throws {
        try cli.write(profilesYAML + (1...60).map { secretYAML("t\($0)", value: "tty-value-\($0)") }.joined(), to: "m/all.yaml")
    }

    @Test func progressShowsRateAndTimeLeftAndPlansAreColouredOnATerminal() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try manySecrets(cli)
        let shown = try await onTerminal(cli, ["apply", "-f", "m", "--state-dir", "state"])
        #expect(shown.status == 0, "\(shown.stdout)")
        #expect(shown.stdout.contains("] applying… "), "\(shown.stdout)")
        let rates = shown.stdout.components(separatedBy: "/60] applying… ").dropFirst().filter { line in
            let words = line.split(separator: " ")
            return words.count >= 4 && words[0].hasSuffix("/s,") && Double(words[0].dropLast(3)) != nil && words[1] == "about"
                && words[3].hasPrefix("left")
        }
        #expect(!rates.isEmpty, "no rate and time left in \(shown.stdout)")
        #expect(shown.stdout.contains("\u{1B}[32m  + create   main:t1 (source)"), "\(shown.stdout.suffix(400))")
        #expect(!shown.stdout.contains("tty-value-"))
    }

    @Test func noColourWhenNoColorIsSetOrWhenPipedAndNoProgressWhenQuiet() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try manySecrets(cli)
        let plain = try await onTerminal(cli, ["plan", "-f", "m", "--state-dir", "state"], environment: ["NO_COLOR": "1"])
        #expect(plain.status == 2)
        #expect(plain.stdout.contains("+ create   main:t1 (source)"))
        #expect(!plain.stdout.contains("\u{1B}[3"), "NO_COLOR output carries colour")
        let quiet = try await onTerminal(cli, ["apply", "-f", "m", "--quiet", "--state-dir", "state"])
        #expect(!quiet.stdout.contains("applying…"))
        #expect(quiet.stdout.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("Applied: 120 created"), "\(quiet.stdout)")
        let piped = try await cli.run(["plan", "-f", "m", "-v", "--state-dir", "state"])
        #expect(!piped.stdout.contains("\u{1B}[") && !piped.stderr.contains("\u{1B}["))
    }

    @Test func completionScriptsAndTheManualPageAreGeneratedFromTheCommands() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let bash = try await cli.run(["completion", "bash"])
        #expect(bash.status == 0)
        try bash.stdout.write(to: cli.directory.appendingPathComponent("tresor.bash"), atomically: true, encoding: .utf8)
        let syntax = try await cli.run(["-n", cli.path("tresor.bash")], executable: "/bin/bash")
        #expect(syntax.status == 0, "\(syntax.stderr)")
        for word in ["events", "--allow-mass-delete", "--selector"] { #expect(bash.stdout.contains(word), "bash completion lacks \(word)") }
        #expect(try await cli.run(["completion", "zsh"]).stdout.hasPrefix("#compdef tresor"))
        #expect(try await cli.run(["completion", "fish"]).stdout.contains("complete -c 'tresor'"))
        let manual = try await cli.run(["man"])
        #expect(manual.stdout.hasPrefix(".TH TRESOR 1"))
        for command in ["validate", "plan", "apply", "run", "get", "describe", "events", "completion"] {
            #expect(manual.stdout.contains(".SS tresor \(command) "), "the manual lacks \(command)")
        }
        try manual.stdout.write(to: cli.directory.appendingPathComponent("tresor.1"), atomically: true, encoding: .utf8)
        // groff (Debian's groff-base, scripts/ensure-deps.sh) reads the page and warns of nothing.
        let rendered = try await cli.run(["-man", "-Tutf8", "-ww", "-z", cli.path("tresor.1")], executable: "/usr/bin/groff")
        #expect(rendered.status == 0)
        #expect(rendered.stderr.isEmpty, "\(rendered.stderr)")
    }
}
