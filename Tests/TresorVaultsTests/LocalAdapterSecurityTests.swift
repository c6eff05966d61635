import Foundation
import Testing
import TresorCore
@testable import TresorVaults

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct LocalAdapterSecurityTests {
    @Test func createsFilesOwnerOnlyAndDirectoriesPrivate() async throws {
        try await LocalVaultFixture.with { fixture in
            let vault = try fixture.adapter()
            #expect(try fixture.mode("") == 0o700)
            #expect(try LocalVaultFixture.mode(ofPath: fixture.keyFile) == 0o600)

            _ = try await vault.write(at: "apps/payments/db", content: secretContent(["content": "x"]), mark: sampleMark(), expected: .absent)
            #expect(try fixture.mode("apps") == 0o700)
            #expect(try fixture.mode("apps/payments") == 0o700)
            #expect(try fixture.mode("apps/payments/db.secret") == 0o600)
            #expect(try fixture.mode(".lock-\(LocalVaultLock.stripe(of: "apps/payments/db"))") == 0o600)

            try vault.writeOutside(at: "apps/payments/db", content: secretContent(["content": "y"]))
            #expect(try fixture.mode("apps/payments/db.secret") == 0o600)
        }
    }

    @Test func keepsNoValueInClearInTheFile() async throws {
        try await LocalVaultFixture.with { fixture in
            let vault = try fixture.adapter()
            _ = try await vault.write(
                at: "db", content: secretContent(["token-field": "hunter2-clear-marker"]), mark: sampleMark(), expected: .absent)
            let raw = try String(contentsOfFile: fixture.directory + "/db.secret", encoding: .utf8)
            #expect(!raw.contains("hunter2-clear-marker"))
            #expect(!raw.contains("token-field"))
        }
    }

    @Test func reusesTheKeyFileItCreated() async throws {
        try await LocalVaultFixture.with { fixture in
            let first = try fixture.adapter()
            let key = try Data(contentsOf: URL(fileURLWithPath: fixture.keyFile))
            #expect(key.count == 32)
            _ = try await first.write(at: "db", content: secretContent(["content": "shared"]), mark: sampleMark(), expected: .absent)

            let second = try fixture.adapter()
            #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.keyFile)) == key)
            #expect(revealed(try await second.read(at: "db", version: nil)?.content) == ["content": "shared"])
        }
    }

    @Test func adaptersCreatingTheKeyAtOnceAllGetTheSameKey() async throws {
        try await LocalVaultFixture.with { fixture in
            let adapters = try await withThrowingTaskGroup(of: LocalAdapter.self) { group in
                for _ in 0..<8 { group.addTask { try fixture.adapter() } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let writer = try #require(adapters.first)
            _ = try await writer.write(at: "db", content: secretContent(["content": "one key"]), mark: sampleMark(), expected: .absent)
            for adapter in adapters {
                #expect(revealed(try await adapter.read(at: "db", version: nil)?.content) == ["content": "one key"])
            }
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.root).filter { $0 != "vault" && $0 != "local.key" }
            #expect(leftovers.isEmpty)
        }
    }

    /// The vault's key check value is created by the first adapter to open a new vault;
    /// one opening at the same moment must find it whole or absent, never half written.
    @Test func manyAdaptersOpeningANewVaultAtOnceNeverMeetAHalfWrittenCheckValue() async throws {
        for _ in 0..<40 {
            try await LocalVaultFixture.with { fixture in
                _ = try await withThrowingTaskGroup(of: LocalAdapter.self) { group in
                    for _ in 0..<16 { group.addTask { try fixture.adapter() } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
        }
    }

    @Test func refusesAKeyFileOfTheWrongSize() async throws {
        try await LocalVaultFixture.with { fixture in
            try Data(repeating: 7, count: 16).write(to: URL(fileURLWithPath: fixture.keyFile))
            chmod(fixture.keyFile, 0o600)
            let error = #expect(throws: VaultError.self) { try fixture.adapter() }
            #expect(error?.kind == .invalidRequest)
            #expect(error?.message.contains(fixture.keyFile) == true)
            #expect(error?.message.contains("32") == true)
        }
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660])
    func refusesAKeyFileOthersCanRead(_ mode: Int) async throws {
        try await LocalVaultFixture.with { fixture in
            _ = try fixture.adapter()
            chmod(fixture.keyFile, mode_t(mode))
            let error = #expect(throws: VaultError.self) { try fixture.adapter() }
            #expect(error?.kind == .invalidRequest)
            #expect(error?.message.contains(fixture.keyFile) == true)
            #expect(error?.message.contains("chmod 600") == true)
        }
    }

    /// A Kubernetes secret volume mounts the key read-only: 0400, or 0440 with an fsGroup.
    @Test(arguments: [0o400, 0o440])
    func acceptsAKeyFileMountedReadOnlyAsAKubernetesSecretVolumeGivesIt(_ mode: Int) async throws {
        try await LocalVaultFixture.with { fixture in
            let vault = try fixture.adapter()
            _ = try await vault.write(at: "db/main", content: secretContent(["password": "mounted-value"]), mark: sampleMark(), expected: .absent)
            chmod(fixture.keyFile, mode_t(mode))
            let reopened = try fixture.adapter()
            #expect(try await reopened.read(at: "db/main", version: nil)?.content["password"]?.reveal() == "mounted-value")
        }
    }

    @Test(arguments: [0o444, 0o460, 0o450])
    func refusesAReadOnlyKeyFileOthersCanReadOrTheGroupCanWrite(_ mode: Int) async throws {
        try await LocalVaultFixture.with { fixture in
            _ = try fixture.adapter()
            chmod(fixture.keyFile, mode_t(mode))
            #expect(throws: VaultError.self) { try fixture.adapter() }
        }
    }

    @Test func aWrongKeyIsCorruptionAndNamesNoValue() async throws {
        try await LocalVaultFixture.with { fixture in
            let vault = try fixture.adapter()
            _ = try await vault.write(
                at: "db/main", content: secretContent(["password": "s3cret-value-xyz"]), mark: sampleMark(), expected: .absent)

            // No key is made for a vault that holds secrets …
            let missing = #expect(throws: VaultError.self) { try fixture.adapter(keyFile: fixture.root + "/other.key") }
            #expect(missing?.message.contains("other.key is missing") == true)
            #expect(!FileManager.default.fileExists(atPath: fixture.root + "/other.key"))
            // … and another key is refused when the vault is opened, before any read.
            try Data(repeating: 7, count: 32).write(to: URL(fileURLWithPath: fixture.root + "/other.key"))
            chmod(fixture.root + "/other.key", 0o600)
            let error = #expect(throws: VaultError.self) { try fixture.adapter(keyFile: fixture.root + "/other.key") }
            #expect(error?.kind == .invalidRequest)
            #expect(error?.message.contains("is not the key that made this state") == true)
            #expect(error.map { "\($0)" }?.contains("s3cret") == false)
        }
    }

    @Test func aCiphertextCopiedToAnotherSecretDoesNotOpen() async throws {
        try await LocalVaultFixture.with { fixture in
            let vault = try fixture.adapter()
            _ = try await vault.write(at: "a", content: secretContent(["content": "for a"]), mark: sampleMark(), expected: .absent)
            _ = try await vault.write(at: "b", content: secretContent(["content": "for b"]), mark: sampleMark(), expected: .absent)
            let a = try fixture.lines("a.secret")
            let b = try fixture.lines("b.secret")
            #expect(a.count == 2 && b.count == 2)
            // Same version number, other path: only the authenticated data differs.
            try fixture.writeLines([a[0], b[1]], to: "a.secret")
            try fixture.writeLines([b[0], a[1]], to: "b.secret")

            for path in ["a", "b"] {
                let error = await #expect(throws: VaultError.self) { try await vault.read(at: path, version: nil) }
                #expect(error?.kind == .corrupted)
                #expect(error?.message.contains("for ") == false)
            }
        }
    }

    @Test func aCiphertextMovedToAnotherVersionDoesNotOpen() async throws {
        try await LocalVaultFixture.with { fixture in
            let vault = try fixture.adapter()
            _ = try await vault.write(at: "db", content: secretContent(["content": "old"]), mark: sampleMark(), expected: .absent)
            try vault.writeOutside(at: "db", content: secretContent(["content": "new"]))
            var lines = try fixture.lines("db.secret")
            #expect(lines.count == 3)
            // Roll the current version back to the old ciphertext.
            lines[2]["sealed"] = lines[1]["sealed"]
            try fixture.writeLines(lines, to: "db.secret")

            #expect(revealed(try await vault.read(at: "db", version: "1")?.content) == ["content": "old"])
            let error = await #expect(throws: VaultError.self) { try await vault.read(at: "db", version: "2") }
            #expect(error?.kind == .corrupted)
        }
    }

    @Test func aTamperedOrGarbledFileIsCorrupted() async throws {
        try await LocalVaultFixture.with { fixture in
            let vault = try fixture.adapter()
            _ = try await vault.write(at: "db", content: secretContent(["content": "x"]), mark: sampleMark(), expected: .absent)
            var lines = try fixture.lines("db.secret")
            let sealed = try #require(lines[1]["sealed"] as? String)
            var bytes = try #require(Data(base64Encoded: sealed))
            bytes[bytes.count / 2] ^= 0x01
            lines[1]["sealed"] = bytes.base64EncodedString()
            try fixture.writeLines(lines, to: "db.secret")
            let error = await #expect(throws: VaultError.self) { try await vault.read(at: "db", version: nil) }
            #expect(error?.kind == .corrupted)

            try Data("{ not json".utf8).write(to: URL(fileURLWithPath: fixture.directory + "/db.secret"))
            let garbled = await #expect(throws: VaultError.self) { try await vault.readMetadata(at: "db") }
            #expect(garbled?.kind == .corrupted)
            let blocked = await #expect(throws: VaultError.self) {
                try await vault.write(at: "db", content: secretContent(["content": "y"]), mark: sampleMark(), expected: .version("1"))
            }
            #expect(blocked?.kind == .corrupted)
            // Deleting still works, so that the secret can be recreated.
            try await vault.delete(at: "db")
            #expect(try await vault.readMetadata(at: "db") == nil)
        }
    }
}
