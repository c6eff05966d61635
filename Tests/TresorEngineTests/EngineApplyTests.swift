import Foundation
import Testing
import TresorTestSupport
import TresorCore

@testable import TresorEngine

/// Values used in these tests; none of them may appear in status, audit or plan output.
enum Fixture {
    static let password = "Pa55-word-eight-types-XYZ"
    static let apiKey = "sk_live_TESTVALUE_0123456789"
    static let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJlLXRlc3Q"
    static let pem = "-----BEGIN PRIVATE KEY-----\nTUlJQnByaXZhdGVrZXl0ZXN0dmFsdWU=\n-----END PRIVATE KEY-----"
    static let secretKey = "c2VjcmV0LWtleS1ieXRlcy0zMi1sb25nLXRlc3Q="
    /// A PKCS#12 file (one self-signed certificate) that `keyStorePassword` opens, made with
    /// `openssl pkcs12 -export -nokeys -certpbe AES-256-CBC -macalg sha256`.
    static let keyStore = "MIICpwIBAzCCAl0GCSqGSIb3DQEHAaCCAk4EggJKMIICRjCCAkIGCSqGSIb3DQEHBqCCAjMwggIvAgEAMIICKAYJKoZIhvcNAQcBMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAj/fWdFdOEMXgICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEJskE0BtFxiQK7Vr6mAZZy2AggHAIp/B050QymONmaeztPGqGQElEv1KVQi2Jgw9eYISXMfbRbkq4f5nyEfpw2bJWke3Wh06Co+vqqBBO4zIfUcnHexlRiDH6hELy7BFVYe4mnIclDAOnx3CjhnbqOi5DpE5+zjFtKInBNfMiAqrP0ct4eybtD2/OTpYTxYnkTYjOF90wnT+MAx+A6rSZGxaLqd3ZX500nQqQgjvjVTBeLLKFUgVMVyf26675Lmtjuf/9jhTFRMV2+9G+VGJUFds7e3l6AmF76L7SoILCOTU/YS4mgk2fCxoXGdmZzRlDz9rdc96VC84MEKAtNeZSqmSIOPdGtTBSA98tnSxSPiLVellGTur9Lx+glS9JuKAjbezhGyhXkpZzT9jsE1omJoEhpruhwhJb8jvBjVOYdJOppqRvge8JzMFnnipdhgKK3bzanz5OtGibdLHvXOvZxHTUbsYIooMjnDOrRVWgcwEW6vXdqKPNWYqwX1jvOKJYZnrBrbN2hmug3ezKMsewGcHCyw9j5ZZ8BpR8lnnpOxNa0lzdhQGwIyGoN9Et60ZP+5FOc46TMxfmj1XBpYX3I5XvoMFDeBigecQxE5Xm7e1WD9DZjBBMDEwDQYJYIZIAWUDBAIBBQAEIBlOYpCjYMpanqdFBFIQ9w9TjvztdWQttCgTdEBlold4BAg0DpFxbMmUWwICCAA="
    static let keyStorePassword = "ks-Passw0rd-unique-value"
    /// The same certificate in a file that `secondKeyStorePassword` opens.
    static let secondKeyStore = "MIICpwIBAzCCAl0GCSqGSIb3DQEHAaCCAk4EggJKMIICRjCCAkIGCSqGSIb3DQEHBqCCAjMwggIvAgEAMIICKAYJKoZIhvcNAQcBMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAiGfhPRiSlLLwICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEOnm//b4YZd3/TwLdbBbcoSAggHAiYq6WroqZX+/06U/tHN7h22N3qI/aKgJM9G6ZOsTrBh3rklJMhEarzP3hvGzsjclI1HtVbp+8HSxhgO1rscver61UKVbWvPKP1nlXn7bbu704+6PVqGYcLzHfAK7c8fvV9nlPjBaXp/07mb5tgaDRfWqTfDBlFrhvbTFfDlfvlmBXS69CVLtey+oXezelh2Unf9m/8FaRZxEgib7/ZTJdmTvHXUfFz5glmQzWyei96oxaribwn2soU0W1LQKTnysot3eXEIt9MpClTN4UKlW075FlypUXKmY37sFGRIkdKZd5+zINBifn7TbGkxznBeAOc91HrRIPF/UW1Onf0mNFUPO6LLsPRwizg421tjPYq5pWJQSy/SPzPqrBdZ06oLQKHcZu5qZJyJeQ1KaQdnUHBcxOSkBwZyaBzZD7KvYvrQM7vIHI1TXo6x+7GxiNi8BEa11Vey9hsTzn2PqOBvrTvn52qSekotgslfMMseV2oFcujtjxs3h3aHTBvBEzsBoNYhLQrkmiIbEdJ+KaYF56fvXiPBoTsv6iJ5foJGAE4vaZaMfiLYumTvyV70h8Zt24ihUlWI9DStC5gdvq6GJ+DBBMDEwDQYJYIZIAWUDBAIBBQAEIB2NODJr+TDqo6j2pXHameIJOugat+3sNGix9xvy6AsABAiCzE45CefVkwICCAA="
    static let secondKeyStorePassword = "second-password"
    static let kvToken = "kv-token-unique-value-777"
    static let generic = "generic-content-unique-value"
    static var all: [String] { [password, apiKey, jwt, pem, secretKey, keyStore, keyStorePassword, kvToken, generic] }

    static func secrets(source: String = "main", sync: [String] = ["copy"], kvToken: String = kvToken, password: String = password) -> String {
        let syncList = "[" + sync.joined(separator: ", ") + "]"
        func secret(_ name: String, _ type: String, _ content: String) -> String {
            TestManifests.document(
                "Secret", name,
                spec: ["type: \(type)", "vaultProfile: \(source)", "syncVaultProfiles: \(syncList)", "allowInlineValues: true", "content:"]
                    + TestManifests.specLines(content))
        }
        return secret("basic", "basicAuth", "    username: app\n    password: \"\(password)\"")
            + secret("api", "apiKey", "    content: \(apiKey)")
            + secret("jwt", "jwtToken", "    content: \(jwt)")
            + secret("pem", "privateKey", "    content: |\n      \(pem.replacingOccurrences(of: "\n", with: "\n      "))")
            + secret("aes", "secretKey", "    content: \"\(secretKey)\"")
            + secret("store", "keyStore", "    keyStoreType: PKCS12\n    content: \"\(keyStore)\"\n    password: \"\(keyStorePassword)\"")
            + secret("kv", "keyValue", "    data:\n      token: \"\(kvToken)\"\n      url: https://example.com")
            + secret("blob", "generic", "    content: \(generic)\n    encoding: text")
    }
}

@Suite struct EngineApplyTests {
    @Test func secondApplyPlansNothingAndWritesNothing() async throws {
        let harness = try EngineHarness(profiles: ["main", "copy"])
        defer { harness.cleanUp() }
        let desired = try EngineHarness.desired(localProfiles(["main", "copy"]) + Fixture.secrets())
        let first = try await harness.apply(desired)
        #expect(first.failures == 0, "\(first.failedSecrets.map { $0.error ?? "" })")
        #expect(harness.totalWrites == 16)
        harness.resetCounts()

        let plan = try await harness.plan(desired)
        #expect(!plan.hasChanges)
        let second = try await harness.apply(desired)
        #expect(second.failures == 0)
        #expect(harness.totalWrites == 0)
        #expect(second.writes == 0)
        // The fast path needs no content reads either.
        #expect(harness.adapters.values.allSatisfy { $0.contentReads == 0 })
    }

    @Test func readReturnsExactlyWhatWasAppliedForEveryType() async throws {
        let harness = try EngineHarness(profiles: ["main", "copy"])
        defer { harness.cleanUp() }
        let desired = try EngineHarness.desired(localProfiles(["main", "copy"]) + Fixture.secrets())
        try await harness.apply(desired)
        let reader = ContentReader(store: harness.store, registry: VaultRegistry(adapters: harness.adapters))
        let expected: [String: [String: String]] = [
            "basic": ["username": "app", "password": Fixture.password],
            "api": ["content": Fixture.apiKey],
            "jwt": ["content": Fixture.jwt],
            "pem": ["content": Fixture.pem + "\n"],
            "aes": ["content": Fixture.secretKey],
            "store": ["keyStoreType": "PKCS12", "content": Fixture.keyStore, "password": Fixture.keyStorePassword],
            "kv": ["token": Fixture.kvToken, "url": "https://example.com"],
            "blob": ["content": Fixture.generic, "encoding": "text"],
        ]
        for (name, fields) in expected {
            let content = try await reader.read(secret: name, desired: desired, version: nil, actor: "reader", now: Date())
            #expect(content.mapValues { $0.reveal() } == fields, "content of \(name) differs")
            #expect(try await harness.content("copy", name) == fields, "sync copy of \(name) differs")
        }
        let reads = try harness.auditLines().filter { $0.contains("\"operation\":\"read\"") }
        #expect(reads.count == expected.count)
        #expect(reads.allSatisfy { $0.contains("\"actor\":\"reader\"") && $0.contains("\"outcome\":\"success\"") })
    }

    @Test func editingOneValueMakesExactlyOneVersionOfThatSecret() async throws {
        let harness = try EngineHarness(profiles: ["main", "copy"])
        defer { harness.cleanUp() }
        try await harness.apply(try EngineHarness.desired(localProfiles(["main", "copy"]) + Fixture.secrets()))
        let before = try harness.store.allStatuses()
        harness.resetCounts()

        let edited = try EngineHarness.desired(localProfiles(["main", "copy"]) + Fixture.secrets(kvToken: "kv-token-changed-value-888"))
        let report = try await harness.apply(edited)
        #expect(report.failures == 0)
        #expect(harness.totalWrites == 2)
        for old in before {
            let new = try #require(try harness.status(old.name))
            if old.name == "kv" {
                #expect(new.versions.count == old.versions.count + 1)
                #expect(new.versions.map(\.number) == Array(1...new.versions.count))
                #expect(new.latestVersion?.fingerprint != old.latestVersion?.fingerprint)
                #expect(new.targets["main"]?.fingerprint == new.latestVersion?.fingerprint)
                #expect(new.targets["copy"]?.fingerprint == new.latestVersion?.fingerprint)
            } else {
                #expect(new.versions == old.versions, "\(old.name) must be untouched")
            }
        }
        #expect(try await harness.content("copy", "kv")?["token"] == "kv-token-changed-value-888")
    }

    @Test func keyStorePasswordChangeIsANewVersion() async throws {
        let harness = try EngineHarness(profiles: ["main"])
        defer { harness.cleanUp() }
        func manifests(_ store: String, _ password: String) throws -> DesiredState {
            try EngineHarness.desired(
                localProfiles(["main"])
                    + TestManifests.secret(
                        "store", type: "keyStore", "allowInlineValues: true",
                        "content: {keyStoreType: PKCS12, content: \"\(store)\", password: \"\(password)\"}"))
        }
        try await harness.apply(try manifests(Fixture.keyStore, Fixture.keyStorePassword))
        try await harness.apply(try manifests(Fixture.secondKeyStore, Fixture.secondKeyStorePassword))
        let status = try #require(try harness.status("store"))
        #expect(status.versions.count == 2)
        #expect(status.versions[0].fingerprint != status.versions[1].fingerprint)
    }

    @Test func noValueAppearsInStatusAuditOrPlanOutput() async throws {
        let harness = try EngineHarness(profiles: ["main", "copy"])
        defer { harness.cleanUp() }
        let desired = try EngineHarness.desired(localProfiles(["main", "copy"]) + Fixture.secrets())
        let applied = try await harness.apply(desired)
        let edited = try EngineHarness.desired(localProfiles(["main", "copy"]) + Fixture.secrets(password: "another-Passw0rd-value"))
        let plan = try await harness.plan(edited)
        let outputs = [
            try harness.stateText(), PlanReport(applied, verbose: true).text(applied: true), PlanReport(applied).json(),
            PlanReport(plan, verbose: true).text(), PlanReport(plan).json(),
        ].joined(separator: "\n")
        for value in Fixture.all + ["another-Passw0rd-value"] {
            #expect(!outputs.contains(value), "a secret value leaked into status, audit or plan output")
            // Multi-line values are checked line by line as well.
            for line in value.split(separator: "\n") where line.count > 12 {
                #expect(!outputs.contains(line), "a line of a secret value leaked")
            }
        }
        #expect(PlanReport(plan).text().contains("fields: ~password"))
    }
}
