import Foundation
import Testing

/// `make install` puts a release build with the Swift runtime linked in under PREFIX, so
/// it runs on a Debian host without the toolchain. The release build takes 10-20 minutes,
/// so this runs only on an installed binary: `make test-deploy` installs one and sets
/// TRESOR_INSTALLED_BINARY to it.
@Suite struct InstalledBinaryTests {
    static let installed = ProcessInfo.processInfo.environment["TRESOR_INSTALLED_BINARY"]

    @Test(.enabled(if: installed != nil, "TRESOR_INSTALLED_BINARY is not set (make test-deploy sets it)"))
    func theInstalledBinaryRunsWithoutTheSwiftToolchain() async throws {
        let binary = try #require(Self.installed)
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.write(profilesYAML + secretYAML("db", value: "", generated: true), to: "m/all.yaml")
        // `env -i`: no PATH to /opt/swift, no LD_LIBRARY_PATH; only what a bare host has.
        let bare = ["-i", "PATH=/usr/bin:/bin", "HOME=" + cli.directory.path]
        let version = try await cli.run(bare + [binary, "--version"], executable: "/usr/bin/env")
        #expect(version.status == 0, "\(version.stderr)")
        #expect(version.stdout.hasPrefix("tresor 0."), "\(version.stdout)")
        #expect(version.stdout.contains("Swift 6."))
        let validated = try await cli.run(bare + [binary, "validate", cli.path("m")], executable: "/usr/bin/env")
        #expect(validated.status == 0, "\(validated.stdout)\(validated.stderr)")
        #expect(validated.stdout.contains("valid"), "\(validated.stdout)")
        let broken = try await cli.run(bare + [binary, "validate", cli.path("nothing-here")], executable: "/usr/bin/env")
        #expect(broken.status == 1, "a missing path is an error in the release build too")

        let linked = try await cli.run([binary], executable: "/usr/bin/ldd")
        #expect(linked.status == 0, "\(linked.stderr)")
        #expect(!linked.stdout.contains("libswift"), "the Swift runtime is linked dynamically:\n\(linked.stdout)")
        #expect(!linked.stdout.contains("libFoundation"), "\(linked.stdout)")
        #expect(!linked.stdout.contains("/opt/swift"), "\(linked.stdout)")
        #expect(!linked.stdout.contains("not found"), "\(linked.stdout)")

        // The manual page and the completions sit beside bin/ under the same prefix.
        let prefix = URL(fileURLWithPath: binary).deletingLastPathComponent().deletingLastPathComponent()
        for file in [
            "share/man/man1/tresor.1", "share/bash-completion/completions/tresor", "share/zsh/site-functions/_tresor",
            "share/fish/vendor_completions.d/tresor.fish",
        ] {
            let text = (try? String(contentsOf: prefix.appendingPathComponent(file), encoding: .utf8)) ?? ""
            #expect(text.contains("tresor"), "\(file) is missing or empty under \(prefix.path)")
        }
    }
}
