import Foundation
import Synchronization
import Testing
@testable import TresorCore

@testable import TresorVaults

/// Token and AppRole auth: caching, renewal, re-login.
@Suite("HashiCorp adapter: auth")
struct HashiCorpAuthTests {
    typealias T = HashiCorpTesting
    static let login = "/v1/auth/approle/login"
    static let renew = "/v1/auth/token/renew-self"
    static let lookup = "/v1/auth/token/lookup-self"

    /// A fake vault whose AppRole login answers with s.app-1, then with s.app-2, each for
    /// `lease` seconds.
    static func loggingInTwice(lease: Int) -> FakeVaultHTTP {
        let http = FakeVaultHTTP()
        http.on("POST", login, .json(200, Canned.login(token: "s.app-1", lease: lease)), .json(200, Canned.login(token: "s.app-2", lease: lease)))
        return http
    }

    /// Counts credential look-ups and answers from a list that can change.
    final class Credentials: Sendable {
        let values: Mutex<[String: String]>
        let calls = Mutex(0)
        init(_ values: [String: String]) { self.values = Mutex(values) }

        var resolve: @Sendable (CredentialSource) throws -> String {
            { source in
                self.calls.withLock { $0 += 1 }
                let key: String
                switch source {
                case .fromEnv(let name): key = name
                case .fromFile(let path): key = path
                case .sealed: key = "sealed"
                }
                guard let value = self.values.withLock({ $0[key] }) else { throw CocoaError(.fileReadNoSuchFile) }
                return value
            }
        }
    }

    @Test func tokenIsResolvedOnceAndSentOnEveryRequest() async throws {
        let http = FakeVaultHTTP()
        let credentials = Credentials(["VAULT_TOKEN": "s.tok\n"])
        let vault = T.adapter(http, credentials: credentials.resolve)
        for _ in 0..<5 { _ = try await vault.readMetadata(at: "db/main") }
        #expect(http.requests.count == 6)
        #expect(http.requests.allSatisfy { $0.token == "s.tok" })
        #expect(credentials.calls.withLock { $0 } == 1)
    }

    @Test func rotatedTokenIsPickedUpAfterARejection() async throws {
        let http = FakeVaultHTTP()
        let credentials = Credentials(["VAULT_TOKEN": "s.old"])
        let vault = T.adapter(http, credentials: credentials.resolve)
        _ = try await vault.readMetadata(at: "db/main")
        credentials.values.withLock { $0["VAULT_TOKEN"] = "s.new" }
        http.on("GET", T.metadataPath, responders: [
            { request in request.token == "s.new" ? .json(200, Canned.metadata(currentVersion: 1)) : Canned.permissionDenied }
        ])
        http.on("GET", Self.lookup, responders: [{ _ in Canned.permissionDenied }])
        let metadata = try await vault.readMetadata(at: "db/main")
        #expect(metadata?.vaultVersion == "1")
        #expect(http.requests("GET", T.metadataPath).map(\.token) == ["s.old", "s.old", "s.new"])
    }

    @Test func rejectedTokenThatCannotBeReplacedSaysWhereItCameFrom() async {
        let http = FakeVaultHTTP()
        http.on("GET", T.metadataPath, Canned.permissionDenied)
        http.on("GET", Self.lookup, Canned.permissionDenied)
        let error = await T.readMetadataError(http)
        #expect(error?.kind == .permissionDenied)
        #expect(error?.message.contains("rejected the token from environment variable VAULT_TOKEN") == true)
        #expect(error?.message.contains("s.root-token") == false)
    }

    @Test func unreadableCredentialIsReported() async {
        let http = FakeVaultHTTP()
        let vault = T.adapter(http, credentials: Credentials([:]).resolve)
        let error = await T.vaultError { _ = try await vault.readMetadata(at: "db/main") }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.message.contains("cannot read the token from environment variable VAULT_TOKEN") == true)
        #expect(http.requests.isEmpty)
    }

    @Test func appRoleLogsInOnceForConcurrentRequests() async throws {
        let http = FakeVaultHTTP()
        http.on("POST", Self.login, .json(200, Canned.login(token: "s.app-1", lease: 3600)))
        let vault = T.adapter(http, provider: T.provider(auth: T.appRole))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 { group.addTask { _ = try await vault.readMetadata(at: "db/s\(index)") } }
            try await group.waitForAll()
        }
        let logins = http.requests("POST", Self.login)
        #expect(logins.count == 1)
        #expect(logins.first?.token == nil)
        #expect(logins.first?.json as? [String: String] == ["role_id": "role-1", "secret_id": "secret-1"])
        #expect(http.requests.filter { $0.path != Self.login }.allSatisfy { $0.token == "s.app-1" })
        #expect(await vault.session.logins == 1)
    }

    /// Found by fuzzing (HashiCorpResponse, seeded with the largest lease_duration): the
    /// renewal time, two thirds of the lease in milliseconds, overflowed and trapped.
    @Test func aLoginWithTheLargestLeaseDurationIsALongLeaseNotACrash() async throws {
        let http = FakeVaultHTTP()
        http.on("POST", Self.login, .json(200, Canned.login(token: "s.app-1", lease: Int.max)))
        let vault = T.adapter(http, provider: T.provider(auth: T.appRole))
        _ = try await vault.readMetadata(at: "db/main")
        _ = try await vault.readMetadata(at: "db/other")
        #expect(await vault.session.logins == 1)
    }

    @Test func appRoleTokenIsRenewedTwoThirdsIntoItsLease() async throws {
        let http = FakeVaultHTTP()
        let clock = FakeClock()
        http.on("POST", Self.login, .json(200, Canned.login(token: "s.app-1", lease: 30)))
        http.on("POST", Self.renew, .json(200, Canned.login(token: "s.app-1", lease: 30)))
        let vault = T.adapter(http, provider: T.provider(auth: T.appRole), clock: clock)
        _ = try await vault.readMetadata(at: "db/main")
        clock.advance(by: .seconds(19))
        _ = try await vault.readMetadata(at: "db/main")
        #expect(http.requests("POST", Self.renew).isEmpty)
        clock.advance(by: .seconds(2))
        _ = try await vault.readMetadata(at: "db/main")
        let renewals = http.requests("POST", Self.renew)
        #expect(renewals.count == 1)
        #expect(renewals.first?.token == "s.app-1")
        #expect(http.requests("POST", Self.login).count == 1)
        // Renewed for another 30 s from now.
        clock.advance(by: .seconds(19))
        _ = try await vault.readMetadata(at: "db/main")
        #expect(http.requests("POST", Self.renew).count == 1)
        #expect(await vault.session.renewals == 1)
    }

    @Test func refusedRenewalLogsInAgain() async throws {
        let http = Self.loggingInTwice(lease: 30)
        let clock = FakeClock()
        http.on("POST", Self.renew, Canned.permissionDenied)
        let vault = T.adapter(http, provider: T.provider(auth: T.appRole), clock: clock)
        _ = try await vault.readMetadata(at: "db/main")
        clock.advance(by: .seconds(25))
        _ = try await vault.readMetadata(at: "db/main")
        #expect(http.requests("POST", Self.login).count == 2)
        #expect(http.requests("GET", T.metadataPath).map(\.token) == ["s.app-1", "s.app-2"])
    }

    @Test func renewalCappedByMaximumTTLLeadsToALoginNextTime() async throws {
        let http = Self.loggingInTwice(lease: 30)
        let clock = FakeClock()
        http.on("POST", Self.renew, .json(200, Canned.login(token: "s.app-1", lease: 6)))
        let vault = T.adapter(http, provider: T.provider(auth: T.appRole), clock: clock)
        _ = try await vault.readMetadata(at: "db/main")
        clock.advance(by: .seconds(21))
        _ = try await vault.readMetadata(at: "db/main")
        #expect(http.requests("POST", Self.renew).count == 1)
        clock.advance(by: .seconds(5))
        _ = try await vault.readMetadata(at: "db/main")
        #expect(http.requests("POST", Self.renew).count == 1)
        #expect(http.requests("POST", Self.login).count == 2)
        #expect(http.requests("GET", T.metadataPath).last?.token == "s.app-2")
    }

    @Test func revokedAppRoleTokenIsReplacedAndTheRequestRetriedOnce() async throws {
        let http = Self.loggingInTwice(lease: 3600)
        http.on("GET", Self.lookup, responders: [
            { request in request.token == "s.app-1" ? Canned.permissionDenied : .json(200, Canned.lookupSelf) }
        ])
        http.on("POST", T.dataPath, responders: [
            { request in request.token == "s.app-2" ? .json(200, Canned.written(1)) : Canned.permissionDenied }
        ])
        http.on("POST", T.metadataPath, .noContent)
        let vault = T.adapter(http, provider: T.provider(auth: T.appRole))
        let written = try await vault.write(at: "db/main", content: T.content(["password": "x"]), mark: T.mark(), expected: .absent)
        #expect(written.vaultVersion == "1")
        #expect(http.requests("POST", T.dataPath).map(\.token) == ["s.app-1", "s.app-2"])
        #expect(http.requests("POST", T.metadataPath).map(\.token) == ["s.app-2"])
        #expect(http.requests("POST", Self.login).count == 2)
    }

    @Test func policyDenialWithAppRoleIsNotRetriedForever() async {
        let http = FakeVaultHTTP()
        http.on("POST", Self.login, .json(200, Canned.login(token: "s.app-1", lease: 3600)))
        http.on("GET", Self.lookup, .json(200, Canned.lookupSelf))
        http.on("GET", T.metadataPath, Canned.permissionDenied)
        let error = await T.vaultError { _ = try await T.adapter(http, provider: T.provider(auth: T.appRole)).readMetadata(at: "db/main") }
        #expect(error?.kind == .permissionDenied)
        #expect(error?.message.contains("must allow 'read' on 'secret/metadata/apps/payments/db/main'") == true)
        #expect(http.requests("POST", Self.login).count == 1)
        #expect(http.requests("GET", T.metadataPath).count == 1)
    }

    @Test func failedLoginNamesTheSourcesNotTheValues() async {
        let http = FakeVaultHTTP()
        http.on("POST", Self.login, .errors(400, "invalid role or secret ID"))
        let error = await T.vaultError { _ = try await T.adapter(http, provider: T.provider(auth: T.appRole)).readMetadata(at: "db/main") }
        #expect(error?.kind == .permissionDenied)
        #expect(error?.message.contains("AppRole login to OpenBao at https://vault.test:8200 at /v1/auth/approle/login failed (invalid role or secret ID)") == true)
        #expect(error?.message.contains("environment variable ROLE_ID") == true)
        #expect(error?.message.contains("file /run/secrets/sid") == true)
        #expect(error?.message.contains("role-1") == false)
        #expect(error?.message.contains("secret-1") == false)
    }

    @Test func appRoleOnAnotherMount() async throws {
        let http = FakeVaultHTTP()
        http.on("POST", "/v1/auth/ci-approle/login", .json(200, Canned.login(token: "s.ci", lease: 0, renewable: false)))
        let auth = HashiCorpAuth.appRole(AppRoleAuth(roleId: .fromEnv("ROLE_ID"), secretId: .fromFile("/run/secrets/sid"), mount: "ci-approle"))
        _ = try await T.adapter(http, provider: T.provider(auth: auth)).readMetadata(at: "db/main")
        #expect(http.requests.last?.token == "s.ci")
    }
}
