import Foundation
import Testing
@testable import TresorCore

@testable import TresorVaults

/// KV v2 operations against a fake that answers like OpenBao.
@Suite("HashiCorp adapter: KV v2")
struct HashiCorpAdapterTests {
    typealias T = HashiCorpTesting

    @Test func declaresVersionsMarksAndCompareAndSet() async throws {
        let http = FakeVaultHTTP()
        let vault = T.adapter(http)
        #expect(try await vault.connect() == [.versions, .metadataMarks, .compareAndSet])
        #expect(!vault.capabilities.contains(.softDelete))
        #expect(http.requests.map(\.path) == ["/v1/sys/internal/ui/mounts/secret"])
        #expect(http.requests.first?.token == "s.root-token")
    }

    @Test func readsMetadataWithVersionMarkAndTime() async throws {
        let http = FakeVaultHTTP()
        http.on("GET", T.metadataPath, .json(200, Canned.metadata(currentVersion: 3, custom: T.markMetadata)))
        let metadata = try #require(try await T.adapter(http).readMetadata(at: "db/main"))
        #expect(metadata.path == "db/main")
        #expect(metadata.vaultVersion == "3")
        #expect(metadata.mark == T.mark())
        #expect(metadata.updatedAt == HashiCorpTime.parse(Canned.created))
        #expect(http.operations.map(\.method) == ["GET"])
        #expect(http.operations.first?.url == T.address + T.metadataPath)
        #expect(http.operations.first?.token == "s.root-token")
        #expect(http.operations.first?.namespace == nil)
    }

    @Test func metadataOfAbsentDeletedOrDestroyedSecretIsNil() async throws {
        let http = FakeVaultHTTP()
        let vault = T.adapter(http)
        #expect(try await vault.readMetadata(at: "db/main") == nil)
        http.on("GET", T.metadataPath, .json(200, Canned.metadata(currentVersion: 2, custom: T.markMetadata, deleted: true)))
        #expect(try await vault.readMetadata(at: "db/main") == nil)
        http.on("GET", T.metadataPath, .json(200, Canned.metadata(currentVersion: 2, destroyed: true)))
        #expect(try await vault.readMetadata(at: "db/main") == nil)
        http.on("GET", T.metadataPath, .json(200, Canned.metadata(currentVersion: 0, custom: ["owner": "x"])))
        #expect(try await vault.readMetadata(at: "db/main") == nil)
    }

    @Test func unmarkedSecretHasNoMark() async throws {
        let http = FakeVaultHTTP()
        http.on("GET", T.metadataPath, .json(200, Canned.metadata(currentVersion: 1, custom: ["owner": "team-a"])))
        let metadata = try #require(try await T.adapter(http).readMetadata(at: "db/main"))
        #expect(metadata.mark == nil)
        #expect(metadata.vaultVersion == "1")
    }

    @Test func readsCurrentContentAndAGivenVersion() async throws {
        let http = FakeVaultHTTP()
        http.on(
            "GET", T.dataPath,
            .json(200, Canned.data(#"{"password":"p@ss\nword","username":"payments"}"#, version: 4, custom: T.markMetadata)))
        let vault = T.adapter(http)
        let entry = try #require(try await vault.read(at: "db/main", version: nil))
        #expect(T.reveal(entry.content) == ["username": "payments", "password": "p@ss\nword"])
        #expect(entry.metadata.vaultVersion == "4")
        #expect(entry.metadata.mark == T.mark())
        #expect(http.operations.last?.query == nil)

        _ = try await vault.read(at: "db/main", version: "2")
        #expect(http.operations.last?.query == "version=2")
        let error = await T.vaultError { _ = try await vault.read(at: "db/main", version: "latest") }
        #expect(error?.kind == .invalidRequest)
    }

    @Test func readOfAbsentOrDeletedContentIsNil() async throws {
        let http = FakeVaultHTTP()
        let vault = T.adapter(http)
        #expect(try await vault.read(at: "db/main", version: nil) == nil)
        http.on("GET", T.dataPath, .json(404, Canned.deletedData(version: 3, custom: T.markMetadata)))
        #expect(try await vault.read(at: "db/main", version: "3") == nil)
    }

    @Test func valuesOtherToolsWroteAsNonStringsAreReadAsJSONText() async throws {
        let http = FakeVaultHTTP()
        http.on(
            "GET", T.dataPath,
            .json(200, Canned.data(#"{"port":5432,"ratio":0.5,"on":true,"none":null,"list":[1,"a"],"obj":{"b":1,"a":"x"}}"#, version: 1)))
        let entry = try #require(try await T.adapter(http).read(at: "db/main", version: nil))
        #expect(
            T.reveal(entry.content)
                == ["port": "5432", "ratio": "0.5", "on": "true", "none": "null", "list": #"[1,"a"]"#, "obj": #"{"a":"x","b":1}"#])
    }

    @Test func createWritesWithCASZeroThenTheMark() async throws {
        let http = FakeVaultHTTP()
        http.on("POST", T.dataPath, .json(200, Canned.written(1)))
        http.on("POST", T.metadataPath, .noContent)
        let written = try await T.adapter(http).write(
            at: "db/main", content: T.content(["username": "payments", "password": "s3cret"]), mark: T.mark(), expected: .absent)
        #expect(written.vaultVersion == "1")
        #expect(written.mark == T.mark())
        #expect(written.path == "db/main")

        let operations = http.operations
        #expect(operations.map { "\($0.method) \($0.path)" } == ["POST \(T.dataPath)", "POST \(T.metadataPath)"])
        let body = operations[0].json
        #expect((body["options"] as? [String: Any])?["cas"] as? Int == 0)
        #expect(body["data"] as? [String: String] == ["username": "payments", "password": "s3cret"])
        #expect(operations[0].headers["content-type"] == "application/json")
        #expect(operations[1].json["custom_metadata"] as? [String: String] == T.markMetadata)
        #expect(operations[1].json.count == 1)
    }

    @Test func updateUsesTheObservedVersionAndKeepsOtherToolsMetadata() async throws {
        let http = FakeVaultHTTP()
        var old = T.markMetadata
        old["tresor-gen-stale"] = "gen:old"
        old["owner"] = "team-a"
        http.on("POST", T.dataPath, .json(200, Canned.written(4, custom: old)))
        http.on("POST", T.metadataPath, .noContent)
        let written = try await T.adapter(http).write(
            at: "db/main", content: T.content(["username": "u", "password": "p"]), mark: T.mark(), expected: .version("3"))
        #expect(written.vaultVersion == "4")
        let operations = http.operations
        #expect((operations[0].json["options"] as? [String: Any])?["cas"] as? Int == 3)
        var expected = T.markMetadata
        expected["owner"] = "team-a"
        #expect(operations[1].json["custom_metadata"] as? [String: String] == expected)
    }

    @Test func unchangedMarkIsNotWrittenAgain() async throws {
        let http = FakeVaultHTTP()
        http.on("POST", T.dataPath, .json(200, Canned.written(2, custom: T.markMetadata)))
        _ = try await T.adapter(http).write(
            at: "db/main", content: T.content(["username": "u", "password": "p"]), mark: T.mark(), expected: .version("1"))
        #expect(http.operations.map(\.method) == ["POST"])
    }

    /// A KV v2 mount enabled moments ago answers 400 "Upgrading…" for a while (seen on a
    /// real OpenBao right after `secrets enable -version=2`): waited out, not a failure.
    @Test func mountStillUpgradingToVersionTwoIsWaitedOut() async throws {
        let upgrading = HTTPResponse.json(400, #"{"errors":["Upgrading from non-versioned to versioned data. This backend will be unavailable for a brief period and will resume service shortly."]}"#)
        let http = FakeVaultHTTP()
        http.on("POST", T.dataPath, upgrading, upgrading, .json(200, Canned.written(1)))
        http.on("POST", T.metadataPath, .json(204, ""))
        let written = try await T.adapter(http).write(
            at: "db/main", content: T.content(["password": "x"]), mark: T.mark(), expected: .absent)
        #expect(written.vaultVersion == "1")
        #expect(http.requests("POST", T.dataPath).count == 3)
    }

    @Test func casMismatchIsAConflictAndWritesNoMark() async throws {
        let http = FakeVaultHTTP()
        http.on("POST", T.dataPath, Canned.casMismatch)
        http.on("GET", T.metadataPath, .json(200, Canned.metadata(currentVersion: 5, custom: T.markMetadata)))
        let vault = T.adapter(http)
        let error = await T.vaultError {
            _ = try await vault.write(at: "db/main", content: T.content(["password": "new-value"]), mark: T.mark(), expected: .version("4"))
        }
        #expect(error?.kind == .conflict)
        #expect(error?.isTransient == true)
        #expect(error?.message.contains("db/main") == true)
        #expect(error?.message.contains("expected version 4, found version 5") == true)
        #expect(error?.message.contains("new-value") == false)
        #expect(http.requests("POST", T.metadataPath).isEmpty)

        let create = await T.vaultError {
            _ = try await vault.write(at: "db/main", content: T.content(["password": "x"]), mark: T.mark(), expected: .absent)
        }
        #expect(create?.kind == .conflict)
        #expect(create?.message.contains("expected it absent, found version 5") == true)
    }

    @Test func createOverADeletedSecretUsesItsVersionAsCAS() async throws {
        let http = FakeVaultHTTP()
        http.on("POST", T.dataPath, Canned.casMismatch, .json(200, Canned.written(3)))
        http.on("GET", T.metadataPath, .json(200, Canned.metadata(currentVersion: 2, deleted: true)))
        http.on("POST", T.metadataPath, .noContent)
        let written = try await T.adapter(http).write(
            at: "db/main", content: T.content(["password": "x"]), mark: T.mark(), expected: .absent)
        #expect(written.vaultVersion == "3")
        let casValues = http.requests("POST", T.dataPath).map { ($0.json["options"] as? [String: Any])?["cas"] as? Int }
        #expect(casValues == [0, 2])
    }

    @Test func failedMarkWriteSaysTheContentWasWritten() async throws {
        let http = FakeVaultHTTP()
        http.on("POST", T.dataPath, .json(200, Canned.written(7)))
        http.on("POST", T.metadataPath, Canned.permissionDenied)
        http.on("GET", "/v1/auth/token/lookup-self", .json(200, Canned.lookupSelf))
        let error = await T.createError(http, password: "x")
        #expect(error?.kind == .permissionDenied)
        #expect(error?.message.contains("written as version 7 but its ownership mark was not") == true)
    }

    @Test func passingFailureOfTheMarkWriteIsRetriedOnce() async throws {
        let http = FakeVaultHTTP()
        http.on("POST", T.dataPath, .json(200, Canned.written(1)))
        http.on("POST", T.metadataPath, .errors(503, "standby"), .noContent)
        let written = try await T.adapter(http).write(
            at: "db/main", content: T.content(["password": "x"]), mark: T.mark(), expected: .absent)
        #expect(written.mark == T.mark())
        #expect(http.requests("POST", T.metadataPath).count == 2)
        #expect(http.requests("POST", T.dataPath).count == 1)
    }

    @Test func mountDetectionHappensOnceEvenWhenNotAllowed() async throws {
        let http = FakeVaultHTTP()
        http.on("GET", "/v1/sys/internal/ui/mounts/secret", Canned.permissionDenied)
        http.on("GET", "/v1/auth/token/lookup-self", .json(200, Canned.lookupSelf))
        let vault = T.adapter(http)
        _ = try await vault.readMetadata(at: "a")
        _ = try await vault.readMetadata(at: "b")
        #expect(http.requests("GET", "/v1/sys/internal/ui/mounts/secret").count == 1)
        #expect(vault.capabilities == [.versions, .metadataMarks, .compareAndSet])
    }

    /// A pass starts many secrets at once: they wait for one detection instead of each
    /// sending its own (the detection answers slowly here, so they all overlap it).
    @Test func concurrentFirstRequestsShareOneMountDetection() async throws {
        let http = FakeVaultHTTP()
        let mountPath = "/v1/sys/internal/ui/mounts/secret"
        http.on("GET", mountPath, responders: [{ _ in
            usleep(100_000)
            return .json(200, Canned.mount("secret", version: 2))
        }])
        let vault = T.adapter(http)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<8 { group.addTask { _ = try await vault.readMetadata(at: "s\(index)") } }
            try await group.waitForAll()
        }
        #expect(http.requests("GET", mountPath).count == 1)
        #expect(http.operations.count == 8)
    }

    @Test func aFailedMountDetectionIsTriedAgainByTheNextRequest() async throws {
        let http = FakeVaultHTTP()
        let mountPath = "/v1/sys/internal/ui/mounts/secret"
        http.on("GET", mountPath, Canned.sealed, .json(200, Canned.mount("secret", version: 1)))
        let vault = T.adapter(http)
        await #expect(throws: VaultError.self) { _ = try await vault.readMetadata(at: "a") }
        _ = try await vault.readMetadata(at: "a")
        #expect(http.requests("GET", mountPath).count == 2)
        #expect(vault.capabilities.isEmpty)
    }

    @Test func deleteRemovesMetadataAndAllVersions() async throws {
        let http = FakeVaultHTTP()
        http.on("DELETE", T.metadataPath, .noContent)
        let vault = T.adapter(http)
        try await vault.delete(at: "db/main")
        #expect(http.operations.map { "\($0.method) \($0.path)" } == ["DELETE \(T.metadataPath)"])
        // Deleting what is absent succeeds.
        http.on("DELETE", T.metadataPath, .json(404, #"{"errors":[]}"#))
        try await vault.delete(at: "db/main")
    }

    @Test func listWalksFoldersAndReturnsOnlyMarkedEntries() async throws {
        let http = FakeVaultHTTP()
        http.on("LIST", "/v1/secret/metadata/apps/payments/", .json(200, Canned.list(["db/", "api-key", "foreign"])))
        http.on("LIST", "/v1/secret/metadata/apps/payments/db/", .json(200, Canned.list(["main", "replica", "deep/"])))
        http.on("LIST", "/v1/secret/metadata/apps/payments/db/deep/", .json(200, Canned.list(["x"])))
        http.on("GET", "/v1/secret/metadata/apps/payments/api-key", .json(200, Canned.metadata(currentVersion: 2, custom: T.markMetadata)))
        http.on("GET", "/v1/secret/metadata/apps/payments/foreign", .json(200, Canned.metadata(currentVersion: 1, custom: ["owner": "a"])))
        http.on("GET", T.metadataPath, .json(200, Canned.metadata(currentVersion: 1, custom: T.markMetadata)))
        http.on("GET", "/v1/secret/metadata/apps/payments/db/replica", .json(200, Canned.metadata(currentVersion: 1, custom: T.markMetadata, deleted: true)))
        http.on("GET", "/v1/secret/metadata/apps/payments/db/deep/x", .json(200, Canned.metadata(currentVersion: 9, custom: T.markMetadata)))
        let listed = try await T.adapter(http).listManaged()
        #expect(listed.map(\.path) == ["api-key", "db/deep/x", "db/main"])
        #expect(listed.map(\.vaultVersion) == ["2", "9", "1"])
        #expect(listed.allSatisfy { $0.mark == T.mark() })
    }

    @Test func listOfAnEmptyPrefixIsEmpty() async throws {
        let http = FakeVaultHTTP()
        #expect(try await T.adapter(http).listManaged().isEmpty)
        #expect(http.operations.map(\.method) == ["LIST"])
    }

    @Test func listWithoutPrefixStartsAtTheMountRoot() async throws {
        let http = FakeVaultHTTP()
        http.on("LIST", "/v1/secret/metadata/", .json(200, Canned.list([])))
        _ = try await T.adapter(http, provider: T.provider(pathPrefix: nil)).listManaged()
        #expect(http.operations.map(\.path) == ["/v1/secret/metadata/"])
    }

    @Test func namespaceHeaderGoesOnEveryRequest() async throws {
        let http = FakeVaultHTTP(mount: "kv/team")
        http.on("POST", "/v1/auth/approle/login", .json(200, Canned.login(token: "s.app", lease: 3600)))
        http.on("POST", "/v1/kv/team/data/db/main", .json(200, Canned.written(1)))
        http.on("POST", "/v1/kv/team/metadata/db/main", .noContent)
        let vault = T.adapter(
            http, provider: T.provider(mount: "kv/team", pathPrefix: nil, namespace: "team1/sub", auth: T.appRole))
        _ = try await vault.write(at: "db/main", content: T.content(["password": "x"]), mark: T.mark(), expected: .absent)
        _ = try await vault.readMetadata(at: "db/main")
        #expect(http.requests.count == 5)
        #expect(http.requests.allSatisfy { $0.namespace == "team1/sub" })
    }

    @Test func pathsArePercentEncodedAndValidated() async throws {
        let http = FakeVaultHTTP()
        let vault = T.adapter(http)
        _ = try await vault.readMetadata(at: "db/ümlaut key?#")
        #expect(http.operations.last?.path == "/v1/secret/metadata/apps/payments/db/%C3%BCmlaut%20key%3F%23")
        for bad in ["", "/db", "db/", "db//main", "../x", "db/./main"] {
            let error = await T.vaultError { _ = try await vault.readMetadata(at: bad) }
            #expect(error?.kind == .invalidRequest, "\(bad)")
        }
    }

    @Test func tlsSettingsAndTrimmedAddressReachTheClient() async throws {
        let http = FakeVaultHTTP()
        let tls = TLSConfig(caFile: "/etc/ssl/vault-ca.pem", certFile: "/c.pem", keyFile: "/k.pem", insecureSkipVerify: false)
        _ = try await T.adapter(http, provider: T.provider(address: "https://vault.test:8200/", tls: tls)).readMetadata(at: "a")
        let request = try #require(http.operations.first)
        #expect(request.url == "https://vault.test:8200/v1/secret/metadata/apps/payments/a")
        #expect(request.tls == TLSOptions(caFile: "/etc/ssl/vault-ca.pem", certFile: "/c.pem", keyFile: "/k.pem"))
    }
}
