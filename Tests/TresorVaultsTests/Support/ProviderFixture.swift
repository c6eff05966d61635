import Foundation
import Testing
import TresorCore
import TresorTestSupport

@testable import TresorVaults

/// What a provider's vault holds at one path, read straight from its API (never through tresor).
struct OutsideView: Sendable {
    /// A single-value store's value (Azure, GCP); nil for a map store.
    var value: String?
    /// A map store's fields, decoded (Kubernetes `data`); nil for a single-value store.
    var data: [String: String]?
    /// tresor's mark entries (``MarkEntries`` keys: `secret`, `type`, `fingerprint`, …)
    /// found beside the value; empty when `managed-by: tresor` is missing.
    var mark: [String: String]
    /// Versions the vault keeps (Kubernetes: always 1).
    var versions: Int
    /// The vault's id of the current content (version id, number or resourceVersion).
    var current: String?
}

/// One contract fake with what the shared provider scenarios need to drive and inspect it.
protocol ProviderFixture: Sendable {
    var fake: ContractFake { get }
    /// The VaultProfile's `provider:` block (one line of flow YAML), as an engine pass takes it.
    var providerYAML: String { get }
    /// The environment the profile's credentials come from.
    var environment: [String: String] { get }
    /// An adapter on the fake, with working credentials.
    func adapter() throws -> any VaultAdapter
    /// An adapter whose credentials the service refuses.
    func adapterWithWrongCredentials() throws -> any VaultAdapter
    /// An adapter for the same service at another address (nothing listening, or TLS).
    func adapter(at baseURL: String, caFile: String?) throws -> any VaultAdapter
    func outside(_ path: String) async throws -> OutsideView?
    /// Writes `value` (a single value, or the `content` key of a map) at `path` as another tool would: no mark.
    func writeOutside(_ path: String, value: String) async throws
    /// Changes the stored `field` of a marked secret as another tool would, keeping its mark (drift).
    func tamper(_ path: String, field: String, value: String) async throws
    /// Starts another fake of this provider that serves HTTPS with `pki`'s server certificate.
    func startTLS(_ pki: TestPKI) async throws -> ContractFake
    /// The fake's operation names for `/_fake/deny` that a read needs.
    var readOperations: [String] { get }
}

extension ProviderFixture {
    func stop() async { await fake.stop() }
}

/// The scenarios every provider's suite runs on its fake.
enum ProviderScenarios: VaultTestHelpers {
    static func allEightTypesRoundTrip(_ fixture: some ProviderFixture) async throws {
        let vault = try fixture.adapter()
        for sample in samples {
            let path = "types/\(sample.type.rawValue.lowercased())"
            let content = content(sample.content)
            let generators = sample.type == .basicAuth ? ["password": "0123456789abcdef"] : [:]
            let mark = mark("s-\(sample.type.rawValue.lowercased())", sample.type, content, generators: generators)
            let written = try await vault.write(at: path, content: content, mark: mark, expected: .absent)
            let read = try #require(try await vault.read(at: path, version: nil), "\(sample.type)")
            #expect(reveal(read.content) == sample.content, "\(sample.type)")
            #expect(read.metadata.mark == mark, "\(sample.type)")
            #expect(read.metadata.vaultVersion == written.vaultVersion)
            #expect(try await vault.readMetadata(at: path)?.vaultVersion == written.vaultVersion)

            let outside = try #require(try await fixture.outside(path), "\(sample.type) not found outside")
            if let data = outside.data {
                #expect(data == sample.content, "\(sample.type)")
            } else {
                #expect(outside.value == sample.stored, "\(sample.type)")
            }
            #expect(outside.versions == 1)
            #expect(outside.current == written.vaultVersion)
            #expect(outside.mark["secret"] == mark.secret)
            #expect(outside.mark["type"] == sample.type.rawValue)
            #expect(outside.mark["fingerprint"] == mark.fingerprint)
            if sample.type == .basicAuth {
                #expect(outside.mark["gen-password"] == "0123456789abcdef")
                #expect(outside.mark["generated-at"] == "2026-11-18T11:06:40.000Z")
            }
        }
        let listed = try await vault.listManaged()
        #expect(listed.map(\.path) == samples.map { "types/\($0.type.rawValue.lowercased())" }.sorted())
        #expect(listed.allSatisfy { $0.mark != nil })
    }

    /// A write over the observed version makes one new version; one over a stale version is refused.
    static func updateMakesOneVersionAndAStaleWriteConflicts(_ fixture: some ProviderFixture, keepsVersions: Bool) async throws {
        let vault = try fixture.adapter()
        let first = content(["content": "update-value-1"])
        let created = try await vault.write(at: "app/token", content: first, mark: mark("token", .apiKey, first), expected: .absent)
        let second = content(["content": "update-value-2"])
        let updated = try await vault.write(
            at: "app/token", content: second, mark: mark("token", .apiKey, second), expected: .version(created.vaultVersion))
        #expect(updated.vaultVersion != created.vaultVersion)
        let outside = try #require(try await fixture.outside("app/token"))
        #expect((outside.value ?? outside.data?["content"]) == "update-value-2")
        #expect(outside.versions == (keepsVersions ? 2 : 1))
        #expect(outside.current == updated.vaultVersion)
        if keepsVersions, let old = created.vaultVersion {
            #expect(reveal(try await vault.read(at: "app/token", version: old)?.content) == ["content": "update-value-1"])
        }

        let third = content(["content": "update-value-3"])
        let stale = try #require(
            await vaultError { _ = try await vault.write(at: "app/token", content: third, mark: mark("token", .apiKey, third), expected: .version(created.vaultVersion)) })
        #expect(stale.kind == .conflict)
        let taken = try #require(
            await vaultError { _ = try await vault.write(at: "app/token", content: third, mark: mark("token", .apiKey, third), expected: .absent) })
        #expect(taken.kind == .conflict)
        #expect(try await fixture.outside("app/token")?.current == updated.vaultVersion)
        for error in [stale, taken] { #expect(!error.message.contains("update-value")) }

        try await vault.delete(at: "app/token")
        #expect(try await vault.readMetadata(at: "app/token") == nil)
        #expect(try await vault.read(at: "app/token", version: nil) == nil)
        try await vault.delete(at: "app/token")
    }

    static func wrongCredentialsFailWithAClearError(_ fixture: some ProviderFixture, naming: String) async throws {
        let vault = try fixture.adapterWithWrongCredentials()
        let error = try #require(await vaultError { _ = try await vault.readMetadata(at: "db") })
        #expect(error.kind == .permissionDenied)
        #expect(error.message.contains(naming), "\(error.message)")
        for value in fixture.environment.values { #expect(!error.message.contains(value)) }
        #expect(!error.message.contains("wrong-credential-value"))
    }

    /// Every issued token stops working: the next request gets a new one and succeeds.
    static func expiredTokenIsReplaced(_ fixture: some ProviderFixture) async throws {
        let vault = try fixture.adapter()
        let value = content(["content": "refresh-value"])
        _ = try await vault.write(at: "refresh", content: value, mark: mark("refresh", .apiKey, value), expected: .absent)
        let before = try await fixture.fake.stats().tokensIssued
        try await fixture.fake.expireTokens()
        #expect(reveal(try await vault.read(at: "refresh", version: nil)?.content) == ["content": "refresh-value"])
        #expect(try await fixture.fake.stats().tokensIssued == before + 1)
    }

    /// A 429 with `Retry-After: 1` is waited out once by the HTTP client; more are reported as rate limiting.
    static func throttlingIsWaitedOutThenReported(_ fixture: some ProviderFixture, adapter: any VaultAdapter) async throws {
        _ = try await adapter.readMetadata(at: "warm-up")
        try await fixture.fake.throttle(count: 1, retryAfter: 1)
        #expect(try await adapter.readMetadata(at: "throttled") == nil)
        let requests = try await fixture.fake.stats().requests.filter { !$0.path.hasPrefix("/_fake/") }
        let throttled = try #require(requests.lastIndex { $0.status == 429 })
        #expect(throttled + 1 < requests.count)
        // The retry came after the server's Retry-After, not before (a lower bound only).
        #expect(requests[throttled + 1].time - requests[throttled].time >= 0.9)

        try await fixture.fake.throttle(count: 10, retryAfter: 1)
        let error = try #require(await vaultError { _ = try await adapter.readMetadata(at: "throttled") })
        #expect(error.kind == .rateLimited)
        #expect(error.message.contains("retry after 1 s"), "\(error.message)")
        try await fixture.fake.throttle(count: 0, retryAfter: 1)
    }

    static func unreachableTLSAndForbiddenEachGetAClearError(_ fixture: some ProviderFixture, addressSetting: String) async throws {
        let port = try unusedLocalPort()
        let nowhere = try fixture.adapter(at: "http://127.0.0.1:\(port)", caFile: nil)
        let unreachable = try #require(await vaultError { _ = try await nowhere.readMetadata(at: "db") })
        #expect(unreachable.kind == .unavailable)
        #expect(unreachable.message.contains("unreachable") && unreachable.message.contains(addressSetting), "\(unreachable.message)")

        let directory = FileManager.default.temporaryDirectory.path + "/tresor-pki-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pki = try await TestPKI.make(in: directory)
        let tlsFake = try await fixture.startTLS(pki)
        do {
            let untrusted = try fixture.adapter(at: tlsFake.baseURL, caFile: nil)
            let tls = try #require(await vaultError { _ = try await untrusted.readMetadata(at: "db") })
            #expect(tls.kind == .unavailable)
            #expect(tls.message.contains("TLS failure") && tls.message.contains("tls.caFile"), "\(tls.message)")
            let trusted = try fixture.adapter(at: tlsFake.baseURL, caFile: pki.caFile)
            #expect(try await trusted.readMetadata(at: "db") == nil)
        } catch {
            await tlsFake.stop()
            throw error
        }
        await tlsFake.stop()

        try await fixture.fake.deny(fixture.readOperations)
        let vault = try fixture.adapter()
        let forbidden = try #require(await vaultError { _ = try await vault.readMetadata(at: "db") })
        try await fixture.fake.deny([])
        #expect(forbidden.kind == .permissionDenied)
        #expect(forbidden.message.contains("forbade") || forbidden.message.contains("denied"), "\(forbidden.message)")
    }
}
