import Foundation
import Testing
import TresorTestSupport

@testable import TresorCore
@testable import TresorVaults

/// The adapter against a real OpenBao dev server, over the libcurl client; what it
/// stores is checked with the server's own CLI (`bao kv get -format=json`).
@Suite("HashiCorp adapter: real OpenBao", .enabled(if: OpenBaoDevServer.enabled), .openBaoDevServer)
struct HashiCorpOpenBaoTests {
    typealias T = HashiCorpTesting

    static let http = CurlHTTPClient(configuration: .init(retry: .none))

    var server: OpenBaoDevServer { get throws { try OpenBaoDevServer.inScope() } }

    /// A prefix no other test uses.
    static func uniquePrefix(_ name: String) -> String { "tresor-it/\(name)-\(UUID().uuidString.prefix(8).lowercased())" }

    func adapter(
        mount: String = "secret", prefix: String?, namespace: String? = nil, auth: HashiCorpAuth = .token(.fromEnv("BAO_TEST_TOKEN")),
        values: [String: String] = [:], now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) throws -> HashiCorpAdapter {
        let server = try server
        var values = values
        values["BAO_TEST_TOKEN"] = values["BAO_TEST_TOKEN"] ?? server.rootToken
        let resolved = values
        let provider = HashiCorpProvider(
            address: server.address, mount: mount, pathPrefix: prefix, namespace: namespace, auth: auth, tls: nil)
        return HashiCorpAdapter(
            config: provider, http: Self.http,
            credentials: { source in
                switch source {
                case .fromEnv(let name), .fromFile(let name):
                    guard let value = resolved[name] else { throw CocoaError(.fileReadNoSuchFile) }
                    return value
                case .sealed: throw CocoaError(.fileReadNoSuchFile)
                }
            }, now: now)
    }

    /// What `bao kv get -format=json` shows: the data and the custom_metadata; nil when the server has none.
    func outsideGet(_ path: String, mount: String = "secret", namespace: String? = nil) async throws -> (data: [String: String], custom: [String: String]?, version: Int)? {
        guard let json = try await server.kvRead(["kv", "get", "-format=json", "-mount=\(mount)", path], namespace: namespace) else { return nil }
        let body = try #require(json["data"] as? [String: Any])
        let data = try #require(body["data"] as? [String: String])
        let metadata = try #require(body["metadata"] as? [String: Any])
        return (data, metadata["custom_metadata"] as? [String: String], metadata["version"] as? Int ?? -1)
    }

    /// One content map per secret type, with the awkward characters real values have.
    static let contents: [SecretType: [String: String]] = [
        .basicAuth: ["username": "payments-ädmin", "password": "p@ss wörd \"q\" \\ 🔑\n\ttab"],
        .apiKey: ["content": "sk_live_51H8xYzAbCdEfGhIjKlMnOpQr"],
        .jwtToken: [
            "content":
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
        ],
        .privateKey: [
            "content": "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIGq0tB5XW0sCzUQlp5YpD8nJ4kFSl3Xo2dq0VXb5k8WJ\n-----END PRIVATE KEY-----\n"
        ],
        .secretKey: ["content": "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80="],
        .keyStore: ["keyStoreType": "PKCS12", "content": "MIIKUQIBAzCCChcGCSqGSIb3DQEHAaCCCggEggoEMIIKADCC", "password": "changeit"],
        .keyValue: ["DB_HOST": "db.internal", "DB_PORT": "5432", "feature.flag": "on", "日本語": "値", "empty": ""],
        .generic: ["content": "AAECAwQFBgcICQoLDA0ODw==", "encoding": "base64"],
    ]

    @Test func allEightSecretTypesRoundTripAndTheCLISeesTheSameValues() async throws {
        let prefix = Self.uniquePrefix("types")
        let vault = try adapter(prefix: prefix)
        #expect(try await vault.connect() == [.versions, .metadataMarks, .compareAndSet])
        for (type, fields) in Self.contents {
            let mark = OwnershipMark(
                secret: "s-\(type.rawValue)", type: type, fingerprint: "fp-\(type.rawValue)", generators: ["password": "g1"],
                generatedAt: Date(timeIntervalSince1970: 1_795_000_000))
            let path = "types/\(type.rawValue)"
            let written = try await vault.write(at: path, content: T.content(fields), mark: mark, expected: .absent)
            #expect(written.vaultVersion == "1")

            let read = try #require(try await vault.read(at: path, version: nil), "\(type)")
            #expect(T.reveal(read.content) == fields, "\(type)")
            #expect(read.metadata.mark == mark, "\(type)")
            #expect(read.metadata.vaultVersion == "1")
            let metadata = try #require(try await vault.readMetadata(at: path))
            #expect(metadata.mark == mark)
            #expect(metadata.updatedAt != nil)

            let outside = try #require(try await outsideGet("\(prefix)/\(path)"), "bao kv get \(type)")
            #expect(outside.data == fields, "\(type)")
            #expect(outside.custom == HashiCorpMark.encode(mark), "\(type)")
            #expect(outside.version == 1)
        }
        let listed = try await vault.listManaged()
        #expect(listed.map(\.path) == Self.contents.keys.map { "types/\($0.rawValue)" }.sorted())
    }

    @Test func updatesAreCompareAndSetAndKeepOtherMetadata() async throws {
        let prefix = Self.uniquePrefix("update")
        let vault = try adapter(prefix: prefix)
        _ = try await vault.write(at: "db", content: T.content(["password": "one"]), mark: T.mark(), expected: .absent)
        try await server.must(["kv", "metadata", "patch", "-mount=secret", "-custom-metadata=owner=team-a", "\(prefix)/db"])
        var mark = T.mark()
        mark.fingerprint = "fp-two"
        let second = try await vault.write(at: "db", content: T.content(["password": "two"]), mark: mark, expected: .version("1"))
        #expect(second.vaultVersion == "2")
        let outside = try #require(try await outsideGet("\(prefix)/db"))
        #expect(outside.data == ["password": "two"])
        #expect(outside.custom?["owner"] == "team-a")
        #expect(outside.custom?["tresor-fingerprint"] == "fp-two")
        let first = try #require(try await vault.read(at: "db", version: "1"))
        #expect(T.reveal(first.content) == ["password": "one"])
        #expect(first.metadata.vaultVersion == "1")
    }

    @Test func concurrentOutsideWriteIsAConflictNotOverwritten() async throws {
        let prefix = Self.uniquePrefix("cas")
        let vault = try adapter(prefix: prefix)
        let created = try await vault.write(at: "db", content: T.content(["password": "mine"]), mark: T.mark(), expected: .absent)
        #expect(created.vaultVersion == "1")
        // Someone else writes with the CLI between tresor's observation and its write.
        try await server.must(["kv", "put", "-mount=secret", "\(prefix)/db", "password=theirs"])
        let error = await T.vaultError {
            _ = try await vault.write(at: "db", content: T.content(["password": "mine-2"]), mark: T.mark(), expected: .version("1"))
        }
        #expect(error?.kind == .conflict)
        #expect(error?.message.contains("expected version 1, found version 2") == true)
        #expect(error?.message.contains("theirs") == false)
        #expect(try await outsideGet("\(prefix)/db")?.data == ["password": "theirs"])
        // A second create at the same path is refused too.
        let create = await T.vaultError {
            _ = try await vault.write(at: "db", content: T.content(["password": "x"]), mark: T.mark(), expected: .absent)
        }
        #expect(create?.kind == .conflict)
        // The outside write kept tresor's mark but not its content: the engine sees drift.
        let metadata = try #require(try await vault.readMetadata(at: "db"))
        #expect(metadata.vaultVersion == "2")
        #expect(metadata.mark == T.mark())
    }

    @Test func unmarkedSecretIsReportedWithoutAMarkAndNotListed() async throws {
        let prefix = Self.uniquePrefix("unmarked")
        let vault = try adapter(prefix: prefix)
        try await server.must(["kv", "put", "-mount=secret", "\(prefix)/theirs", "token=abc"])
        let metadata = try #require(try await vault.readMetadata(at: "theirs"))
        #expect(metadata.mark == nil)
        #expect(metadata.vaultVersion == "1")
        let entry = try #require(try await vault.read(at: "theirs", version: nil))
        #expect(T.reveal(entry.content) == ["token": "abc"])
        #expect(entry.metadata.mark == nil)
        _ = try await vault.write(at: "ours", content: T.content(["a": "b"]), mark: T.mark(), expected: .absent)
        #expect(try await vault.listManaged().map(\.path) == ["ours"])
    }

    @Test func deleteRemovesEveryVersion() async throws {
        let prefix = Self.uniquePrefix("delete")
        let vault = try adapter(prefix: prefix)
        _ = try await vault.write(at: "db", content: T.content(["v": "1"]), mark: T.mark(), expected: .absent)
        _ = try await vault.write(at: "db", content: T.content(["v": "2"]), mark: T.mark(), expected: .version("1"))
        try await vault.delete(at: "db")
        #expect(try await vault.readMetadata(at: "db") == nil)
        #expect(try await vault.read(at: "db", version: "1") == nil)
        let metadata = try await server.cli(["kv", "metadata", "get", "-mount=secret", "\(prefix)/db"])
        #expect(metadata.status != 0)
        #expect(try await outsideGet("\(prefix)/db") == nil)
        try await vault.delete(at: "db")  // absent: still fine
    }

    @Test func softDeletedSecretCountsAsAbsentAndCanBeCreatedAgain() async throws {
        let prefix = Self.uniquePrefix("softdelete")
        let vault = try adapter(prefix: prefix)
        _ = try await vault.write(at: "db", content: T.content(["v": "1"]), mark: T.mark(), expected: .absent)
        try await server.must(["kv", "delete", "-mount=secret", "\(prefix)/db"])
        #expect(try await vault.readMetadata(at: "db") == nil)
        #expect(try await vault.read(at: "db", version: nil) == nil)
        let written = try await vault.write(at: "db", content: T.content(["v": "2"]), mark: T.mark(), expected: .absent)
        #expect(written.vaultVersion == "2")
        #expect(try await outsideGet("\(prefix)/db")?.data == ["v": "2"])
    }

    @Test func listWalksNestedFoldersUnderThePrefixOnly() async throws {
        let prefix = Self.uniquePrefix("list")
        let vault = try adapter(prefix: prefix)
        for path in ["a", "b/c", "b/d/e", "b/d/f g"] {
            _ = try await vault.write(at: path, content: T.content(["k": path]), mark: T.mark(), expected: .absent)
        }
        try await server.must(["kv", "put", "-mount=secret", "\(prefix)/b/unmarked", "k=v"])
        try await server.must(["kv", "put", "-mount=secret", "\(prefix)-sibling/x", "k=v"])
        let listed = try await vault.listManaged()
        #expect(listed.map(\.path) == ["a", "b/c", "b/d/e", "b/d/f g"])
        #expect(listed.allSatisfy { $0.mark == T.mark() && $0.vaultVersion == "1" })
        #expect(try await adapter(prefix: Self.uniquePrefix("empty")).listManaged().isEmpty)
    }

    @Test func namespaceIsSentAndKeepsSecretsApart() async throws {
        let namespace = "team-\(UUID().uuidString.prefix(6).lowercased())"
        try await server.must(["namespace", "create", namespace])
        try await server.must(["secrets", "enable", "-path=kv", "-version=2", "kv"], namespace: namespace)
        let vault = try adapter(mount: "kv", prefix: "apps", namespace: namespace)
        #expect(try await vault.connect() == [.versions, .metadataMarks, .compareAndSet])
        _ = try await vault.write(at: "db", content: T.content(["password": "ns-value"]), mark: T.mark(), expected: .absent)
        let outside = try #require(try await outsideGet("apps/db", mount: "kv", namespace: namespace))
        #expect(outside.data == ["password": "ns-value"])
        #expect(outside.custom == T.markMetadata)
        // Not in the root namespace.
        #expect(try await server.cli(["kv", "get", "-mount=kv", "apps/db"]).status != 0)
        #expect(try await vault.listManaged().map(\.path) == ["db"])
        try await vault.delete(at: "db")
        #expect(try await outsideGet("apps/db", mount: "kv", namespace: namespace) == nil)
    }

    @Test func appRoleLogsInRenewsAndLogsInAgainAfterRevocation() async throws {
        let prefix = Self.uniquePrefix("approle")
        let mountPath = "approle-\(UUID().uuidString.prefix(6).lowercased())"
        try await server.must(["auth", "enable", "-path=\(mountPath)", "approle"])
        try await server.must(
            ["policy", "write", "tresor-\(mountPath)", "-"],
            stdin: """
                path "secret/data/\(prefix)/*" { capabilities = ["create", "read", "update"] }
                path "secret/metadata/\(prefix)/*" { capabilities = ["create", "read", "update", "delete", "list"] }
                """)
        try await server.must([
            "write", "auth/\(mountPath)/role/tresor", "token_policies=default,tresor-\(mountPath)", "token_ttl=60s",
            "token_max_ttl=1h",
        ])
        let roleId = try await server.must(["read", "-field=role_id", "auth/\(mountPath)/role/tresor/role-id"]).stdout
        let secretId = try await server.must(["write", "-f", "-field=secret_id", "auth/\(mountPath)/role/tresor/secret-id"]).stdout
        let auth = HashiCorpAuth.appRole(AppRoleAuth(roleId: .fromEnv("ROLE"), secretId: .fromFile("/sid"), mount: mountPath))
        // The renewal time comes from this clock, so the test need not wait for it.
        let clock = FakeClock()
        let vault = try adapter(prefix: prefix, auth: auth, values: ["ROLE": roleId, "/sid": secretId], now: { clock.now })

        _ = try await vault.write(at: "db", content: T.content(["password": "a"]), mark: T.mark(), expected: .absent)
        #expect(await vault.session.logins == 1)
        // Past two thirds of the 60 s lease: renewed by the server, not logged in again.
        clock.advance(by: .seconds(41))
        _ = try await vault.readMetadata(at: "db")
        #expect(await vault.session.renewals == 1)
        #expect(await vault.session.logins == 1)

        // Revoke every token of the role: the next request is refused, and retried after a new login.
        try await server.must(["token", "revoke", "-mode=path", "auth/\(mountPath)"])
        let metadata = try await vault.readMetadata(at: "db")
        #expect(metadata?.vaultVersion == "1")
        #expect(await vault.session.logins == 2)

        // A path that leaves the prefix is refused before anything is sent.
        let escaped = await T.vaultError { _ = try await vault.readMetadata(at: "../elsewhere") }
        #expect(escaped?.kind == .invalidRequest)
        #expect(await vault.session.logins == 2)
        // Outside the policy: the server's denial, named, not a login loop.
        let other = try adapter(prefix: "not-allowed", auth: auth, values: ["ROLE": roleId, "/sid": secretId])
        let refused = await T.vaultError { _ = try await other.readMetadata(at: "db") }
        #expect(refused?.kind == .permissionDenied)
        #expect(refused?.message.contains("must allow 'read' on 'secret/metadata/not-allowed/db'") == true)
        #expect(await other.session.logins == 1)
    }

    @Test func wrongSecretIdIsAClearLoginFailure() async throws {
        let mountPath = "approle-bad-\(UUID().uuidString.prefix(6).lowercased())"
        try await server.must(["auth", "enable", "-path=\(mountPath)", "approle"])
        try await server.must(["write", "auth/\(mountPath)/role/r", "token_policies=default"])
        let roleId = try await server.must(["read", "-field=role_id", "auth/\(mountPath)/role/r/role-id"]).stdout
        let auth = HashiCorpAuth.appRole(AppRoleAuth(roleId: .fromEnv("ROLE"), secretId: .fromEnv("SID"), mount: mountPath))
        let vault = try adapter(prefix: "x", auth: auth, values: ["ROLE": roleId, "SID": "not-the-secret-id"])
        let error = await T.vaultError { _ = try await vault.readMetadata(at: "db") }
        #expect(error?.kind == .permissionDenied)
        #expect(error?.message.contains("AppRole login") == true)
        #expect(error?.message.contains("not-the-secret-id") == false)
    }

    @Test func readOnlyTokenIsDeniedWithThePathAndCapability() async throws {
        let prefix = Self.uniquePrefix("readonly")
        try await server.must(
            ["policy", "write", "ro-\(prefix.suffix(8))", "-"],
            stdin: """
                path "secret/data/\(prefix)/*" { capabilities = ["read"] }
                path "secret/metadata/\(prefix)/*" { capabilities = ["read", "list"] }
                """)
        let token = try await server.must(["token", "create", "-policy=ro-\(prefix.suffix(8))", "-field=token"]).stdout
        let vault = try adapter(prefix: prefix, values: ["BAO_TEST_TOKEN": token])
        let error = await T.vaultError {
            _ = try await vault.write(at: "db", content: T.content(["password": "never-shown"]), mark: T.mark(), expected: .absent)
        }
        #expect(error?.kind == .permissionDenied)
        #expect(error?.message.contains("denied POST /v1/secret/data/\(prefix)/db") == true)
        #expect(error?.message.contains("'create' and 'update'") == true)
        #expect(error?.message.contains("never-shown") == false)
        #expect(try await vault.readMetadata(at: "db") == nil)
    }

    @Test func kvVersion1MountIsDetectedAndWorksWithoutMarks() async throws {
        let mount = "kv1-\(UUID().uuidString.prefix(6).lowercased())"
        try await server.must(["secrets", "enable", "-path=\(mount)", "-version=1", "kv"])
        let vault = try adapter(mount: mount, prefix: "apps")
        #expect(try await vault.connect() == [])
        _ = try await vault.write(at: "db", content: T.content(["username": "u", "password": "p"]), mark: T.mark(), expected: .absent)
        let outside = try await server.must(["kv", "get", "-format=json", "-mount=\(mount)", "apps/db"]).json
        #expect(outside["data"] as? [String: String] == ["username": "u", "password": "p"])
        let entry = try #require(try await vault.read(at: "db", version: nil))
        #expect(T.reveal(entry.content) == ["username": "u", "password": "p"])
        #expect(entry.metadata.mark == nil)
        #expect(entry.metadata.vaultVersion == nil)
        let again = await T.vaultError {
            _ = try await vault.write(at: "db", content: T.content(["a": "b"]), mark: T.mark(), expected: .absent)
        }
        #expect(again?.kind == .conflict)
        _ = try await vault.write(at: "db", content: T.content(["a": "b"]), mark: T.mark(), expected: .version(nil))
        #expect(try await vault.listManaged().isEmpty)
        try await vault.delete(at: "db")
        #expect(try await vault.readMetadata(at: "db") == nil)
    }

    @Test func rateLimitQuotaIsRateLimitedThenSucceeds() async throws {
        let mount = "rl-\(UUID().uuidString.prefix(6).lowercased())"
        try await server.must(["secrets", "enable", "-path=\(mount)", "-version=2", "kv"])
        let vault = try adapter(mount: mount, prefix: "apps")
        _ = try await vault.connect()
        // Two requests per 10 s: the third within the window is refused unless each request
        // took seconds, which even a loaded machine does not reach 50 times in a row.
        try await server.must(["write", "sys/quotas/rate-limit/\(mount)", "path=\(mount)/", "rate=2", "interval=10s"])
        var limited: VaultError?
        for index in 0..<50 where limited == nil {
            limited = await T.vaultError { _ = try await vault.readMetadata(at: "s\(index)") }
        }
        #expect(limited?.kind == .rateLimited)
        #expect(limited?.message.contains("rate limit quota exceeded") == true)
        // Once the 10 s window has passed, the same request goes through.
        try await eventually("the quota window to pass") { try await vault.readMetadata(at: "s0") == nil }
        try await server.must(["delete", "sys/quotas/rate-limit/\(mount)"])
    }

    @Test func manyConcurrentWritesAreAllListed() async throws {
        let prefix = Self.uniquePrefix("many")
        let vault = try adapter(prefix: prefix)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<100 {
                group.addTask {
                    let mark = OwnershipMark(secret: "s\(index)", type: .apiKey, fingerprint: "f\(index)")
                    _ = try await vault.write(
                        at: "n\(index % 7)/s\(index)", content: T.content(["content": "v\(index)"]), mark: mark, expected: .absent)
                }
            }
            try await group.waitForAll()
        }
        let listed = try await vault.listManaged()
        #expect(listed.count == 100)
        #expect(Set(listed.compactMap { $0.mark?.secret }) == Set((0..<100).map { "s\($0)" }))
    }

    @Test func copiesFromOneMountToAnother() async throws {
        let mount = "sync-\(UUID().uuidString.prefix(6).lowercased())"
        try await server.must(["secrets", "enable", "-path=\(mount)", "-version=2", "kv"])
        let source = try adapter(prefix: Self.uniquePrefix("source"))
        let target = try adapter(mount: mount, prefix: "copies")
        let fields = Self.contents[.keyStore]!
        let mark = OwnershipMark(secret: "ks", type: .keyStore, fingerprint: "fp-ks")
        _ = try await source.write(at: "ks", content: T.content(fields), mark: mark, expected: .absent)
        let read = try #require(try await source.read(at: "ks", version: nil))
        #expect(try await target.readMetadata(at: "ks") == nil)
        _ = try await target.write(at: "ks", content: read.content, mark: mark, expected: .absent)
        #expect(try await outsideGet("copies/ks", mount: mount)?.data == fields)
        #expect(try await target.readMetadata(at: "ks")?.mark == mark)
    }

    /// A timing, not a check: `TRESOR_BAO_TIMING=1` prints how long 1,000 creates (each a
    /// metadata read, a data write and a mark write, 16 in flight) take. `make bench` owns the real numbers.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TRESOR_BAO_TIMING"] == "1"))
    func thousandCreatesTiming() async throws {
        let vault = try adapter(prefix: Self.uniquePrefix("timing"))
        _ = try await vault.connect()
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func add() {
                let index = next
                next += 1
                group.addTask {
                    let path = "s\(index)"
                    let observed = try await vault.readMetadata(at: path)
                    let mark = OwnershipMark(secret: path, type: .apiKey, fingerprint: "f\(index)")
                    _ = try await vault.write(
                        at: path, content: T.content(["content": "v\(index)"]), mark: mark,
                        expected: observed.map { .version($0.vaultVersion) } ?? .absent)
                }
            }
            for _ in 0..<16 { add() }
            while try await group.next() != nil { if next < 1000 { add() } }
        }
        let elapsed = ContinuousClock.now - started
        let listedStart = ContinuousClock.now
        let listed = try await vault.listManaged()
        print("OpenBao timing: 1,000 creates in \(elapsed); listManaged of \(listed.count) in \(ContinuousClock.now - listedStart)")
        #expect(listed.count == 1000)
    }

    @Test func unreachableAddressIsUnavailable() async throws {
        let port = try OpenBaoDevServer.freePort()
        let provider = T.provider(address: "http://127.0.0.1:\(port)")
        let vault = HashiCorpAdapter(config: provider, http: Self.http, credentials: T.credentials)
        let error = await T.vaultError { _ = try await vault.readMetadata(at: "db") }
        #expect(error?.kind == .unavailable)
        #expect(error?.message.contains("OpenBao at http://127.0.0.1:\(port) is unreachable") == true)
    }
}
