import Foundation
import Testing
@testable import TresorCore

@testable import TresorVaults

/// A KV version 1 mount: no versions, no marks, no compare-and-set.
@Suite("HashiCorp adapter: KV v1")
struct HashiCorpKV1Tests {
    typealias T = HashiCorpTesting
    static let path = "/v1/kv1/apps/payments/db/main"

    static func http() -> FakeVaultHTTP { FakeVaultHTTP(mount: "kv1", kvVersion: 1) }
    static func adapter(_ http: FakeVaultHTTP) -> HashiCorpAdapter { T.adapter(http, provider: T.provider(mount: "kv1")) }

    @Test func capabilitiesSayNoVersionsNoMarksNoCAS() async throws {
        let vault = Self.adapter(Self.http())
        #expect(vault.capabilities.contains(.metadataMarks))  // assumed until detected
        #expect(try await vault.connect() == [])
        #expect(vault.capabilities == [])
    }

    @Test func readWriteDeleteUseThePlainPath() async throws {
        let http = Self.http()
        http.on("GET", Self.path, .json(404, #"{"errors":[]}"#), .json(200, Canned.v1(#"{"password":"p","username":"u"}"#)))
        http.on("POST", Self.path, .noContent)
        http.on("DELETE", Self.path, .noContent)
        let vault = Self.adapter(http)
        let written = try await vault.write(
            at: "db/main", content: T.content(["username": "u", "password": "p"]), mark: T.mark(), expected: .absent)
        #expect(written.vaultVersion == nil)
        #expect(written.mark == nil)
        let post = try #require(http.requests("POST", Self.path).first)
        #expect(post.json as? [String: String] == ["username": "u", "password": "p"])

        let entry = try #require(try await vault.read(at: "db/main", version: nil))
        #expect(T.reveal(entry.content) == ["username": "u", "password": "p"])
        #expect(entry.metadata.mark == nil)
        #expect(try await vault.readMetadata(at: "db/main")?.vaultVersion == nil)
        try await vault.delete(at: "db/main")
        #expect(http.requests("DELETE", Self.path).count == 1)
        #expect(await T.vaultError { _ = try await vault.read(at: "db/main", version: "1") }?.kind == .invalidRequest)
    }

    @Test func createOverAnExistingSecretIsAConflict() async {
        let http = Self.http()
        http.on("GET", Self.path, .json(200, Canned.v1(#"{"a":"b"}"#)))
        let error = await T.vaultError {
            _ = try await Self.adapter(http).write(at: "db/main", content: T.content(["a": "c"]), mark: T.mark(), expected: .absent)
        }
        #expect(error?.kind == .conflict)
        #expect(http.requests("POST", Self.path).isEmpty)
    }

    @Test func listFindsNothingManaged() async throws {
        let http = Self.http()
        #expect(try await Self.adapter(http).listManaged().isEmpty)
        #expect(http.operations.isEmpty)
    }
}
