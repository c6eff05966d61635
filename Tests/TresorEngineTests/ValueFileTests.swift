import Foundation
import Testing
import TresorCore
import TresorTestSupport

@testable import TresorEngine

#if canImport(Glibc)
    import Glibc
#endif

/// `fromFile` reads regular files only, with a size cap; `fromEnv` has the same cap. Every
/// case ends at once with a reason, before a byte of the wrong thing is kept.
@Suite struct ValueFileTests {
    let resolver = ValueResolver(environment: ["HUGE": String(repeating: "x", count: ValueFile.limit + 1), "SMALL": "ok-value"])

    func problem(_ source: ValueSource) -> String? {
        do {
            _ = try resolver.resolve(source, secret: "s", field: "content", baseDirectory: "")
            return nil
        } catch {
            return error.description
        }
    }

    @Test func devZeroAFIFOAndProcFilesAreRefused() throws {
        #expect(problem(.fromFile("/dev/zero"))?.contains("a character device, not a regular file") == true)
        #expect(problem(.fromFile("/proc/self/environ"))?.contains("kernel file") == true)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(problem(.fromFile(fifo))?.contains("a FIFO, not a regular file") == true)
    }

    @Test func filesAndVariablesOverTheCapAreRefused() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-big-\(UUID().uuidString)").path
        defer { unlink(file) }
        try Data(repeating: 0x61, count: ValueFile.limit + 1).write(to: URL(fileURLWithPath: file))
        #expect(problem(.fromFile(file))?.contains("more than the \(ValueFile.limit) bytes") == true)
        #expect(problem(.fromEnv("HUGE"))?.contains("more than the \(ValueFile.limit) bytes") == true)
        #expect(problem(.fromEnv("SMALL")) == nil)
    }
}

/// A value larger than a vault the secret goes to can hold is refused before anything is
/// written anywhere, naming the vault profile and its limit (Key Vault 25 KiB here).
@Suite struct VaultValueLimitTests {
    static let manifests = TestManifests.localProfile("src")
        + TestManifests.vaultProfile(
            "kv", "azure", ["vaultUrl: \"https://team.vault.azure.net\"", "tenantId: t", "clientId: {fromEnv: AZ}", "clientSecret: {fromEnv: AZ}"])
        + TestManifests.secret("cert-bundle", type: "apiKey", profile: "src", "syncVaultProfiles: [kv]", "content: {content: {fromEnv: BUNDLE}}")

    /// The Azure profile's adapter is a local vault: the limit comes from the declared
    /// provider, and the check runs before any adapter is asked anything.
    static func harness(bundleBytes: Int) throws -> EngineHarness {
        var harness = try EngineHarness(profiles: ["src", "kv"])
        harness.environment = ["BUNDLE": String(repeating: "b", count: bundleBytes), "AZ": "unused"]
        return harness
    }

    @Test func aValueOverTheTightestVaultLimitIsRefusedAndNothingIsWritten() async throws {
        let harness = try Self.harness(bundleBytes: 25_601)
        defer { harness.cleanUp() }
        let report = try await harness.apply(try EngineHarness.desired(Self.manifests))
        #expect(harness.totalWrites == 0)
        let error = try #require(report.failedSecrets.first?.error)
        #expect(error.contains("25601 bytes, more than the 25600 bytes an Azure Key Vault secret holds (vault profile 'kv')"))
        #expect(try await harness.content("src", "cert-bundle") == nil)
    }

    @Test func aValueWithinEveryLimitIsWrittenToEachVault() async throws {
        let harness = try Self.harness(bundleBytes: 25_600)
        defer { harness.cleanUp() }
        let report = try await harness.apply(try EngineHarness.desired(Self.manifests))
        #expect(report.failures == 0, "\(report.failedSecrets.map { $0.error ?? "" })")
        #expect(try await harness.content("kv", "cert-bundle")?["content"]?.utf8.count == 25_600)
    }
}
