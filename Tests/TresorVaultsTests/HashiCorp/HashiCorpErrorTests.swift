import Foundation
import Testing
@testable import TresorCore

@testable import TresorVaults

/// What a user reads when something goes wrong: the address, the path, what to do; never a value.
@Suite("HashiCorp adapter: errors")
struct HashiCorpErrorTests {
    typealias T = HashiCorpTesting

    /// A client that fails every request without a response.
    struct FailingHTTP: HTTPClient {
        let error: HTTPClientError
        func send(_ request: HTTPRequest, tls: TLSOptions) async throws -> HTTPResponse { throw error }
    }

    @Test func unreachableServerIsUnavailableAndNamesTheAddress() async {
        let http = FailingHTTP(error: HTTPClientError(kind: .connect, curlCode: 7, message: "Failed to connect to vault.test port 8200"))
        let vault = HashiCorpAdapter(config: T.provider(), http: http, credentials: T.credentials)
        let error = await T.vaultError { _ = try await vault.readMetadata(at: "db/main") }
        #expect(error?.kind == .unavailable)
        #expect(error?.message.contains("OpenBao at https://vault.test:8200 is unreachable for GET /v1/sys/internal/ui/mounts/secret: Failed to connect") == true)
        #expect(error?.message.contains("check the VaultProfile's address") == true)
    }

    @Test func tlsFailureSaysWhichCAFileToSet() async {
        let http = FailingHTTP(error: HTTPClientError(kind: .tls, curlCode: 60, message: "SSL certificate problem: unable to get local issuer certificate"))
        let withoutCA = HashiCorpAdapter(config: T.provider(), http: http, credentials: T.credentials)
        let first = await T.vaultError { _ = try await withoutCA.readMetadata(at: "db/main") }
        #expect(first?.message.contains("system's CA store; set tls.caFile") == true)
        #expect(first?.message.contains("unable to get local issuer certificate") == true)

        let withCA = HashiCorpAdapter(
            config: T.provider(tls: TLSConfig(caFile: "/etc/ssl/wrong-ca.pem")), http: http, credentials: T.credentials)
        let second = await T.vaultError { _ = try await withCA.readMetadata(at: "db/main") }
        #expect(second?.message.contains("tls.caFile '/etc/ssl/wrong-ca.pem'") == true)
    }

    @Test func policyDenialNamesThePathAndTheCapability() async {
        let http = FakeVaultHTTP()
        http.on("POST", T.dataPath, Canned.permissionDenied)
        http.on("GET", "/v1/auth/token/lookup-self", .json(200, Canned.lookupSelf))
        let error = await T.createError(http, password: "hunter2")
        #expect(error?.kind == .permissionDenied)
        #expect(error?.message.contains("denied POST /v1/secret/data/apps/payments/db/main (1 error occurred: * permission denied)") == true)
        #expect(error?.message.contains("the token's policy must allow 'create' and 'update' on 'secret/data/apps/payments/db/main'") == true)
        #expect(error?.message.contains("hunter2") == false)
        // The token was valid: it is not retried.
        #expect(http.requests("POST", T.dataPath).count == 1)
    }

    @Test func sealedServerIsUnavailableWithWhatToDo() async {
        let http = FakeVaultHTTP()
        http.on("GET", T.metadataPath, Canned.sealed)
        let error = await T.readMetadataError(http)
        #expect(error?.kind == .unavailable)
        #expect(error?.isTransient == true)
        #expect(error?.message == "OpenBao at https://vault.test:8200 is sealed; unseal it (`bao operator unseal`) and tresor will retry")
    }

    @Test func sealedDuringDetectionIsReportedToo() async {
        let http = FakeVaultHTTP()
        http.on("GET", "/v1/sys/internal/ui/mounts/secret", Canned.sealed)
        let error = await T.vaultError { _ = try await T.adapter(http).listManaged() }
        #expect(error?.message.contains("is sealed") == true)
    }

    @Test func rateLimitIsRateLimitedWithRetryAfter() async {
        let http = FakeVaultHTTP()
        http.on(
            "GET", T.metadataPath,
            .errors(429, "request path \"secret/metadata/apps/payments/db/main\": rate limit quota exceeded", headers: ["retry-after": "3"]))
        let error = await T.readMetadataError(http)
        #expect(error?.kind == .rateLimited)
        #expect(error?.message.contains("rate limited GET /v1/secret/metadata/apps/payments/db/main") == true)
        #expect(error?.message.contains("retry after 3 s") == true)
    }

    @Test func otherStatusesMapToKinds() async {
        let http = FakeVaultHTTP()
        let vault = T.adapter(http)
        http.on("GET", T.metadataPath, .errors(500, "internal error"))
        #expect(await T.vaultError { _ = try await vault.readMetadata(at: "db/main") }?.kind == .unavailable)
        http.on("GET", T.metadataPath, .errors(400, "bad thing"))
        #expect(await T.vaultError { _ = try await vault.readMetadata(at: "db/main") }?.kind == .invalidRequest)
        http.on("GET", T.metadataPath, .json(200, "<html>not vault</html>"))
        #expect(await T.vaultError { _ = try await vault.readMetadata(at: "db/main") }?.kind == .corrupted)
        http.on("POST", T.dataPath, .errors(404, "no handler for route"))
        let missing = await T.vaultError {
            _ = try await vault.write(at: "db/main", content: [:], mark: T.mark(), expected: .absent)
        }
        #expect(missing?.kind == .notFound)
    }

    @Test func mountThatIsNotKVIsRefused() async {
        let http = FakeVaultHTTP()
        http.on(
            "GET", "/v1/sys/internal/ui/mounts/secret",
            .json(200, Canned.envelope(data: #"{"type":"transit","options":null,"path":"secret/"}"#)))
        let error = await T.readMetadataError(http)
        #expect(error?.kind == .invalidRequest)
        #expect(error?.message.contains("'transit' secrets engine, not KV") == true)
    }
}
