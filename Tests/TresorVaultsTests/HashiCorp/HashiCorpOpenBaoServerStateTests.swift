import Foundation
import Testing
import TresorTestSupport

@testable import TresorCore
@testable import TresorVaults

/// Sealing a real OpenBao dev server: its own server, since sealing stops every request.
@Suite("HashiCorp adapter: sealed OpenBao", .enabled(if: OpenBaoDevServer.enabled), .openBaoDevServer, .serialized)
struct HashiCorpOpenBaoSealTests {
    typealias T = HashiCorpTesting

    @Test func sealedServerGivesAClearErrorAndRecoversAfterUnseal() async throws {
        let server = try #require(OpenBaoDevServer.current)
        let provider = T.provider(address: server.address, pathPrefix: "sealed", auth: .token(.fromEnv("TOKEN")))
        let token = server.rootToken
        let vault = HashiCorpAdapter(
            config: provider, http: CurlHTTPClient(configuration: .init(retry: .none)), credentials: { _ in token })
        _ = try await vault.write(at: "db", content: T.content(["password": "p"]), mark: T.mark(), expected: .absent)

        try await server.must(["operator", "seal"])
        let error = await T.vaultError { _ = try await vault.readMetadata(at: "db") }
        #expect(error?.kind == .unavailable)
        #expect(error?.isTransient == true)
        #expect(error?.message == "OpenBao at \(server.address) is sealed; unseal it (`bao operator unseal`) and tresor will retry")

        let key = try #require(server.unsealKey)
        try await server.must(["operator", "unseal", key])
        let metadata = try await vault.readMetadata(at: "db")
        #expect(metadata?.vaultVersion == "1")
        #expect(metadata?.mark == T.mark())
    }
}

/// HTTPS against `bao server -dev -dev-tls` with the CA it writes, and with the wrong one.
@Suite("HashiCorp adapter: OpenBao over TLS", .enabled(if: OpenBaoDevServer.enabled), .openBaoDevTLSServer)
struct HashiCorpOpenBaoTLSTests {
    typealias T = HashiCorpTesting

    func adapter(caFile: String?) throws -> HashiCorpAdapter {
        let server = try #require(OpenBaoDevServer.current)
        let token = server.rootToken
        let tls = caFile.map { TLSConfig(caFile: $0) }
        return HashiCorpAdapter(
            config: T.provider(address: server.address, pathPrefix: "tls", auth: .token(.fromEnv("TOKEN")), tls: tls),
            http: CurlHTTPClient(configuration: .init(retry: .none)), credentials: { _ in token })
    }

    @Test func worksWithTheServersCA() async throws {
        let server = try #require(OpenBaoDevServer.current)
        #expect(server.address.hasPrefix("https://"))
        let vault = try adapter(caFile: server.caFile)
        _ = try await vault.write(at: "db", content: T.content(["password": "over-tls"]), mark: T.mark(), expected: .absent)
        let outside = try await server.must(["kv", "get", "-format=json", "-mount=secret", "tls/db"]).json
        #expect(((outside["data"] as? [String: Any])?["data"] as? [String: String]) == ["password": "over-tls"])
    }

    @Test func failsWithTheSystemCAStoreAndSaysToSetCAFile() async throws {
        let error = await T.vaultError { _ = try await adapter(caFile: nil).readMetadata(at: "db") }
        #expect(error?.kind == .unavailable)
        #expect(error?.message.contains("TLS failure") == true)
        #expect(error?.message.contains("set tls.caFile in the VaultProfile") == true)
    }

    @Test func failsWithTheWrongCAAndNamesIt() async throws {
        let server = try #require(OpenBaoDevServer.current)
        // A CA that did not sign the server's certificate: the machine's public CA bundle.
        let wrong = server.directory + "/tls/other-ca.pem"
        try FileManager.default.copyItem(atPath: "/etc/ssl/certs/ca-certificates.crt", toPath: wrong)
        let error = await T.vaultError { _ = try await adapter(caFile: wrong).readMetadata(at: "db") }
        #expect(error?.kind == .unavailable)
        #expect(error?.message.contains("tls.caFile '\(wrong)'") == true)
    }
}
