import Foundation
import Testing

@testable import TresorCore
@testable import TresorVaults

/// The adapter against a real moto server that checks every request's SigV4 signature;
/// what it stored is checked with an outside client (Python boto3).
@Suite("AWS adapter on moto", .enabled(if: MotoServer.enabled), .motoServer)
struct AWSMotoTests {
    static var samples: [(type: SecretType, content: [String: String], stored: String)] { AWSTesting.samples }

    @Test func allEightTypesRoundTripAndAnOutsideClientSeesTheirValuesAndTags() async throws {
        let server = try AWSTesting.server
        let prefix = AWSTesting.prefix()
        let vault = AWSTesting.adapter(server, prefix: prefix)
        for sample in Self.samples {
            let path = "types/\(sample.type.rawValue)"
            let content = AWSTesting.content(sample.content)
            let generators = sample.type == .basicAuth ? ["password": "0123456789abcdef"] : [:]
            let mark = AWSTesting.mark("s-\(sample.type.rawValue.lowercased())", sample.type, content, generators: generators)
            let written = try await vault.write(at: path, content: content, mark: mark, expected: .absent)
            let read = try #require(try await vault.read(at: path, version: nil))
            #expect(AWSTesting.reveal(read.content) == sample.content, "\(sample.type)")
            #expect(read.metadata.mark == mark)
            #expect(read.metadata.vaultVersion == written.vaultVersion)
            #expect(try await vault.readMetadata(at: path)?.vaultVersion == written.vaultVersion)

            let outside = try await AWSTesting.outside(server, "\(prefix)/\(path)")
            #expect(outside["string"] as? String == sample.stored, "\(sample.type)")
            #expect(outside["current"] as? String == written.vaultVersion)
            let tags = try #require(outside["tags"] as? [String: String])
            #expect(tags["managed-by"] == "tresor")
            #expect(tags["tresor-secret"] == mark.secret)
            #expect(tags["tresor-type"] == sample.type.rawValue)
            #expect(tags["tresor-fingerprint"] == mark.fingerprint)
            #expect(tags["tresor-encoding"] == (sample.type == .generic ? "base64" : nil))
            if sample.type == .basicAuth {
                #expect(tags["tresor-gen-password"] == "0123456789abcdef")
                #expect(tags["tresor-generated-at"] == "2026-11-18T11:06:40.000Z")
            }
        }
        let listed = try await vault.listManaged()
        #expect(listed.map(\.path) == Self.samples.map { "types/\($0.type.rawValue)" }.sorted())
    }

    @Test func wrongSecretKeyFailsWithAClearAuthenticationError() async throws {
        let server = try AWSTesting.server
        let wrong = "wrong-secret-key-value-123"
        let vault = AWSTesting.adapter(server, prefix: AWSTesting.prefix(), secret: wrong)
        let error = try #require(await AWSTesting.vaultError { _ = try await vault.readMetadata(at: "db") })
        #expect(error.kind == .permissionDenied)
        #expect(error.message.contains("rejected the credentials of vault profile 'aws-test'"))
        #expect(error.message.contains("secret access key (environment variable TEST_AWS_SECRET)"))
        #expect(error.message.contains("SignatureDoesNotMatch") || error.message.contains("InvalidSignatureException"))
        #expect(!error.message.contains(wrong))
        #expect(!error.message.contains(server.secretAccessKey))

        let unknown = AWSAdapter(
            config: AWSTesting.provider(server, prefix: "x"), profile: "aws-unknown", http: AWSTesting.http,
            credentials: { source in source == .fromEnv("TEST_AWS_KEY_ID") ? "AKIAUNKNOWNKEY000000" : wrong })
        let refused = try #require(await AWSTesting.vaultError { _ = try await unknown.listManaged() })
        #expect(refused.kind == .permissionDenied)
        #expect(refused.message.contains("vault profile 'aws-unknown'") && refused.message.contains("access key id"))
    }

    @Test func retriedWritesMakeNoSecondVersion() async throws {
        let server = try AWSTesting.server
        let prefix = AWSTesting.prefix()
        let vault = AWSTesting.adapter(server, prefix: prefix)
        let first = AWSTesting.content(["content": "retry-value-1"])
        let firstMark = AWSTesting.mark("retry", .apiKey, first)
        let created = try await vault.write(at: "retry", content: first, mark: firstMark, expected: .absent)
        // The same create again (its answer lost): recognised, no second version.
        let again = try await vault.write(at: "retry", content: first, mark: firstMark, expected: .absent)
        #expect(again.vaultVersion == created.vaultVersion)

        let second = AWSTesting.content(["content": "retry-value-2"])
        let secondMark = AWSTesting.mark("retry", .apiKey, second)
        let updated = try await vault.write(at: "retry", content: second, mark: secondMark, expected: .version(created.vaultVersion))
        let retried = try await vault.write(at: "retry", content: second, mark: secondMark, expected: .version(created.vaultVersion))
        #expect(retried.vaultVersion == updated.vaultVersion)
        var outside = try await AWSTesting.outside(server, "\(prefix)/retry")
        #expect(outside["versions"] as? Int == 2)
        #expect(outside["string"] as? String == "retry-value-2")

        // Back to the first content: a new version, not the old one's token.
        let back = try await vault.write(at: "retry", content: first, mark: firstMark, expected: .version(updated.vaultVersion))
        #expect(back.vaultVersion != created.vaultVersion)
        outside = try await AWSTesting.outside(server, "\(prefix)/retry")
        #expect(outside["versions"] as? Int == 3)
        #expect(outside["string"] as? String == "retry-value-1")
        #expect(try await vault.read(at: "retry", version: created.vaultVersion).map { AWSTesting.reveal($0.content) } == ["content": "retry-value-1"])
    }

    @Test func anOutsideWriteAfterObservationIsAConflictNotOverwritten() async throws {
        let server = try AWSTesting.server
        let prefix = AWSTesting.prefix()
        let vault = AWSTesting.adapter(server, prefix: prefix)
        let content = AWSTesting.content(["content": "ours-1"])
        let written = try await vault.write(at: "cas", content: content, mark: AWSTesting.mark("cas", .apiKey, content), expected: .absent)
        _ = try await server.python(#"sm.put_secret_value(SecretId="\#(prefix)/cas", SecretString="theirs-1"); out({})"#)
        let next = AWSTesting.content(["content": "ours-2"])
        let error = try #require(
            await AWSTesting.vaultError {
                _ = try await vault.write(at: "cas", content: next, mark: AWSTesting.mark("cas", .apiKey, next), expected: .version(written.vaultVersion))
            })
        #expect(error.kind == .conflict)
        #expect(try await AWSTesting.outside(server, "\(prefix)/cas")["string"] as? String == "theirs-1")
        // A create over an existing secret is a conflict too.
        let taken = try #require(
            await AWSTesting.vaultError {
                _ = try await vault.write(at: "cas", content: next, mark: AWSTesting.mark("cas", .apiKey, next), expected: .absent)
            })
        #expect(taken.kind == .conflict)
    }

    @Test func aDeletedSecretDeclaredAgainIsRestoredAndWritten() async throws {
        let server = try AWSTesting.server
        let prefix = AWSTesting.prefix()
        let vault = AWSTesting.adapter(server, prefix: prefix)
        let content = AWSTesting.content(["username": "app", "password": "restore-pw-1"])
        let mark = AWSTesting.mark("restore", .basicAuth, content)
        _ = try await vault.write(at: "db", content: content, mark: mark, expected: .absent)
        try await vault.delete(at: "db")
        try await vault.delete(at: "db")  // already scheduled: still fine
        #expect(try await vault.readMetadata(at: "db") == nil)
        #expect(try await vault.read(at: "db", version: nil)?.metadata == nil)
        #expect(try await vault.listManaged().isEmpty)
        #expect(try await AWSTesting.outside(server, "\(prefix)/db")["deleted"] as? Bool == true)

        let next = AWSTesting.content(["username": "app", "password": "restore-pw-2"])
        let written = try await vault.write(at: "db", content: next, mark: AWSTesting.mark("restore", .basicAuth, next), expected: .absent)
        let outside = try await AWSTesting.outside(server, "\(prefix)/db")
        #expect(outside["deleted"] as? Bool == false)
        #expect(outside["versions"] as? Int == 2)
        #expect(outside["current"] as? String == written.vaultVersion)
        #expect(outside["string"] as? String == #"{"password":"restore-pw-2","username":"app"}"#)
    }

    @Test func forceDeletionRemovesTheSecretAtOnce() async throws {
        let server = try AWSTesting.server
        let prefix = AWSTesting.prefix()
        let vault = AWSTesting.adapter(server, prefix: prefix, deletion: .force)
        let content = AWSTesting.content(["content": "gone-1"])
        _ = try await vault.write(at: "gone", content: content, mark: AWSTesting.mark("gone", .apiKey, content), expected: .absent)
        try await vault.delete(at: "gone")
        #expect(try await AWSTesting.outside(server, "\(prefix)/gone")["exists"] as? Bool == false)
        try await vault.delete(at: "gone")
        try await vault.delete(at: "never-there")
    }

    @Test func listManagedPagesAndSkipsUnmarkedAndOtherPrefixes() async throws {
        let server = try AWSTesting.server
        let prefix = AWSTesting.prefix()
        _ = try await server.python(
            """
            for i in range(105):
                sm.create_secret(Name=f"\(prefix)/many/s{i:03d}", SecretString="v",
                                 Tags=[{"Key": "managed-by", "Value": "tresor"}, {"Key": "tresor-secret", "Value": f"s{i}"},
                                       {"Key": "tresor-type", "Value": "apiKey"}, {"Key": "tresor-fingerprint", "Value": "hmac-sha256:00"}])
            sm.create_secret(Name="\(prefix)/theirs", SecretString="v", Tags=[{"Key": "team", "Value": "x"}])
            sm.create_secret(Name="\(prefix)-other/s", SecretString="v", Tags=[{"Key": "managed-by", "Value": "tresor"}])
            out({})
            """)
        let listed = try await AWSTesting.adapter(server, prefix: prefix).listManaged()
        #expect(listed.count == 105)
        #expect(listed.first?.path == "many/s000")
        #expect(listed.allSatisfy { $0.vaultVersion != nil && $0.mark?.type == .apiKey })
        // An unmarked secret is seen as there, without a mark.
        let theirs = try #require(try await AWSTesting.adapter(server, prefix: prefix).readMetadata(at: "theirs"))
        #expect(theirs.mark == nil)
    }
}
