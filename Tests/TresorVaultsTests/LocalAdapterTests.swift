import Foundation
import Testing
import TresorCore
import TresorVaults

@Suite struct LocalAdapterTests {
    @Test func declaresVersionsMarksBinaryAndCompareAndSet() async throws {
        try await LocalVaultFixture.with { fixture in
            let vault = try fixture.adapter()
            #expect(vault.capabilities == [.versions, .metadataMarks, .binary, .compareAndSet])
            #expect(!vault.capabilities.contains(.softDelete))
        }
    }

    @Test func roundTripsSeveralFieldsWithUnicodeAndMultiLineValues() async throws {
        try await LocalVaultFixture.with { fixture in
            let vault = try fixture.adapter()
            let content = [
                "username": "zoë-ådmin",
                "password": "p@ss wörd 🔑 \"quoted\" \\ back\tslash\u{0}nul",
                "content": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\r\nline two\n-----END PRIVATE KEY-----\n",
                "empty": "",
                "日本語": "値",
            ]
            let written = try await vault.write(
                at: "apps/payments/db.main", content: secretContent(content), mark: sampleMark(), expected: .absent)
            #expect(written.path == "apps/payments/db.main")
            #expect(written.vaultVersion == "1")
            #expect(written.mark == sampleMark())

            let entry = try #require(try await vault.read(at: "apps/payments/db.main", version: nil))
            #expect(revealed(entry.content) == content)
            #expect(entry.metadata == written)
            #expect(try await vault.readMetadata(at: "apps/payments/db.main") == written)
            #expect(fixture.exists("apps/payments/db.main.secret"))
        }
    }

    @Test func absentSecretsReadAsNil() async throws {
        try await LocalVaultFixture.with { fixture in
            let vault = try fixture.adapter()
            #expect(try await vault.readMetadata(at: "nothing/here") == nil)
            #expect(try await vault.read(at: "nothing/here", version: nil) == nil)
            #expect(try await vault.read(at: "nothing/here", version: "1") == nil)
            #expect(try await vault.listManaged().isEmpty)
        }
    }

    @Test func keepsVersionsReadableByNumber() async throws {
        try await LocalVaultFixture.with { fixture in
            let vault = try fixture.adapter()
            var expected = ExpectedVersion.absent
            for value in ["one", "two", "three"] {
                let written = try await vault.write(
                    at: "db", content: secretContent(["content": value]), mark: sampleMark(), expected: expected)
                expected = .version(written.vaultVersion)
            }
            for (number, value) in ["1": "one", "2": "two", "3": "three"] {
                let entry = try #require(try await vault.read(at: "db", version: number))
                #expect(revealed(entry.content) == ["content": value])
                #expect(entry.metadata.vaultVersion == number)
            }
            let current = try #require(try await vault.read(at: "db", version: nil))
            #expect(revealed(current.content) == ["content": "three"])
            #expect(current.metadata.vaultVersion == "3")
            #expect(try await vault.read(at: "db", version: "4") == nil)
            for notAVersion in ["0", "-1", "latest", ""] {
                let error = await #expect(throws: VaultError.self) { try await vault.read(at: "db", version: notAVersion) }
                #expect(error?.kind == .invalidRequest)
            }
        }
    }

    @Test func keepsTheLastHundredVersions() async throws {
        try await LocalVaultFixture.with { fixture in
            let vault = try fixture.adapter()
            for number in 1...103 {
                try vault.writeOutside(at: "many", content: secretContent(["content": "value \(number)"]))
            }
            #expect(try await vault.readMetadata(at: "many")?.vaultVersion == "103")
            #expect(try await vault.read(at: "many", version: "3") == nil)
            let oldest = try #require(try await vault.read(at: "many", version: "4"))
            #expect(revealed(oldest.content) == ["content": "value 4"])
            let newest = try #require(try await vault.read(at: "many", version: "103"))
            #expect(revealed(newest.content) == ["content": "value 103"])
            #expect(try fixture.lines("many.secret").count == 1 + 100)
        }
    }

    @Test func expectingAbsenceConflictsWithAnExistingSecret() async throws {
        try await LocalVaultFixture.with { fixture in
            let vault = try fixture.adapter()
            _ = try await vault.write(at: "db", content: secretContent(["content": "first"]), mark: sampleMark(), expected: .absent)
            for expected in [ExpectedVersion.absent, .version(nil)] {
                let error = await #expect(throws: VaultError.self) {
                    try await vault.write(at: "db", content: secretContent(["content": "second"]), mark: sampleMark(), expected: expected)
                }
                #expect(error?.kind == .conflict)
                #expect(error?.isTransient == true)
                #expect(error?.message.contains("second") == false)
            }
            let entry = try #require(try await vault.read(at: "db", version: nil))
            #expect(revealed(entry.content) == ["content": "first"])
            #expect(entry.metadata.vaultVersion == "1")
        }
    }

    @Test func expectingAVersionConflictsUnlessItIsCurrent() async throws {
        try await LocalVaultFixture.with { fixture in
            let vault = try fixture.adapter()
            let error = await #expect(throws: VaultError.self) {
                try await vault.write(at: "db", content: secretContent(["content": "x"]), mark: sampleMark(), expected: .version("1"))
            }
            #expect(error?.kind == .conflict)
            #expect(try await vault.readMetadata(at: "db") == nil)

            _ = try await vault.write(at: "db", content: secretContent(["content": "a"]), mark: sampleMark(), expected: .version(nil))
            _ = try await vault.write(at: "db", content: secretContent(["content": "b"]), mark: sampleMark(), expected: .version("1"))
            let stale = await #expect(throws: VaultError.self) {
                try await vault.write(at: "db", content: secretContent(["content": "c"]), mark: sampleMark(), expected: .version("1"))
            }
            #expect(stale?.kind == .conflict)
            let written = try await vault.write(
                at: "db", content: secretContent(["content": "c"]), mark: sampleMark(), expected: .version("2"))
            #expect(written.vaultVersion == "3")
        }
    }

    @Test func storesAndReturnsEveryMarkField() async throws {
        try await LocalVaultFixture.with { fixture in
            let vault = try fixture.adapter()
            let first = sampleMark()
            _ = try await vault.write(at: "db", content: secretContent(["content": "a"]), mark: first, expected: .absent)
            #expect(try await vault.readMetadata(at: "db")?.mark == first)

            var second = OwnershipMark(secret: "other", type: .keyValue, fingerprint: "hmac-sha256:00")
            second.generators = [:]
            second.generatedAt = nil
            let written = try await vault.write(at: "db", content: secretContent(["content": "b"]), mark: second, expected: .version("1"))
            #expect(written.mark == second)

            let reopened = try fixture.adapter()
            let metadata = try #require(try await reopened.readMetadata(at: "db"))
            #expect(metadata.mark == second)
            #expect(metadata.mark?.generatedAt == nil)
            #expect(metadata.updatedAt == written.updatedAt)
            #expect(try await reopened.read(at: "db", version: "1")?.metadata.mark == second)
            #expect(try await reopened.listManaged() == [written])

            _ = try await vault.write(at: "db", content: secretContent(["content": "c"]), mark: first, expected: .version("2"))
            let restored = try #require(try await reopened.readMetadata(at: "db")?.mark)
            #expect(restored.generators == ["password": "sha256:1f2e", "pin": "sha256:9a8b"])
            #expect(restored.generatedAt == Date(timeIntervalSince1970: 1_700_000_000.123_456))
            #expect(restored.type == .basicAuth)
            #expect(restored.fingerprint == first.fingerprint)
        }
    }

    @Test func outsideWritesWithoutAMarkLeaveTheSecretUnmarked() async throws {
        try await LocalVaultFixture.with { fixture in
            let vault = try fixture.adapter()
            try vault.writeUnmanaged(at: "legacy/api", content: secretContent(["content": "theirs"]))
            let metadata = try #require(try await vault.readMetadata(at: "legacy/api"))
            #expect(metadata.mark == nil)
            #expect(metadata.vaultVersion == "1")
            let entry = try #require(try await vault.read(at: "legacy/api", version: nil))
            #expect(entry.metadata.mark == nil)
            #expect(revealed(entry.content) == ["content": "theirs"])
            #expect(try await vault.listManaged().isEmpty)

            // Adopting writes over it with a mark; an unmanaged write removes the mark again.
            _ = try await vault.write(at: "legacy/api", content: secretContent(["content": "ours"]), mark: sampleMark(), expected: .version("1"))
            #expect(try await vault.readMetadata(at: "legacy/api")?.mark == sampleMark())
            try vault.writeUnmanaged(at: "legacy/api", content: secretContent(["content": "theirs again"]))
            #expect(try await vault.readMetadata(at: "legacy/api")?.mark == nil)
            #expect(try await vault.readMetadata(at: "legacy/api")?.vaultVersion == "3")
        }
    }

    @Test func outsideWritesKeepTheMarkAndAddAVersion() async throws {
        try await LocalVaultFixture.with { fixture in
            let vault = try fixture.adapter()
            _ = try await vault.write(at: "db", content: secretContent(["password": "mine"]), mark: sampleMark(), expected: .absent)
            try vault.writeOutside(at: "db", content: secretContent(["password": "drifted"]))
            let entry = try #require(try await vault.read(at: "db", version: nil))
            #expect(entry.metadata.mark == sampleMark())
            #expect(entry.metadata.vaultVersion == "2")
            #expect(revealed(entry.content) == ["password": "drifted"])
            #expect(revealed(try await vault.read(at: "db", version: "1")?.content) == ["password": "mine"])
        }
    }

    @Test func deleteRemovesEveryVersionAndEmptiedDirectories() async throws {
        try await LocalVaultFixture.with { fixture in
            let vault = try fixture.adapter()
            _ = try await vault.write(at: "a/b/c", content: secretContent(["content": "1"]), mark: sampleMark(), expected: .absent)
            try vault.writeOutside(at: "a/b/c", content: secretContent(["content": "2"]))
            _ = try await vault.write(at: "a/keep", content: secretContent(["content": "k"]), mark: sampleMark(), expected: .absent)

            try await vault.delete(at: "a/b/c")
            #expect(try await vault.readMetadata(at: "a/b/c") == nil)
            #expect(try await vault.read(at: "a/b/c", version: "1") == nil)
            #expect(try await vault.read(at: "a/b/c", version: "2") == nil)
            #expect(!fixture.exists("a/b"))
            #expect(fixture.exists("a/keep.secret"))

            try await vault.delete(at: "a/keep")
            #expect(!fixture.exists("a"))
            #expect(FileManager.default.fileExists(atPath: fixture.directory))

            try await vault.delete(at: "a/keep")
            try await vault.delete(at: "never/was")

            // A new secret at a deleted path starts again at version 1.
            let again = try await vault.write(at: "a/b/c", content: secretContent(["content": "3"]), mark: sampleMark(), expected: .absent)
            #expect(again.vaultVersion == "1")
        }
    }

    @Test func listManagedListsOnlyMarkedSecretsSortedByPath() async throws {
        try await LocalVaultFixture.with { fixture in
            let vault = try fixture.adapter()
            let b = try await vault.write(at: "team/b", content: secretContent(["content": "1"]), mark: sampleMark("b"), expected: .absent)
            let a = try await vault.write(at: "a", content: secretContent(["content": "1"]), mark: sampleMark("a"), expected: .absent)
            let deep = try await vault.write(
                at: "team/x/y/z", content: secretContent(["content": "1"]), mark: sampleMark("z"), expected: .absent)
            try vault.writeUnmanaged(at: "team/unmarked", content: secretContent(["content": "1"]))
            try vault.writeUnmanaged(at: "loose", content: secretContent(["content": "1"]))

            #expect(try await vault.listManaged() == [a, b, deep])
        }
    }

    @Test func listManagedSkipsFilesAndLinksItDidNotWrite() async throws {
        try await LocalVaultFixture.with { fixture in
            let vault = try fixture.adapter()
            let written = try await vault.write(at: "team/db", content: secretContent(["content": "1"]), mark: sampleMark(), expected: .absent)
            try Data("notes".utf8).write(to: URL(fileURLWithPath: fixture.directory + "/team/README.txt"))
            try Data("x".utf8).write(to: URL(fileURLWithPath: fixture.directory + "/team/bad name.secret"))
            try FileManager.default.createSymbolicLink(atPath: fixture.directory + "/loop", withDestinationPath: fixture.directory)
            try FileManager.default.createSymbolicLink(
                atPath: fixture.directory + "/link.secret", withDestinationPath: fixture.directory + "/team/db.secret")
            #expect(try await vault.listManaged() == [written])
        }
    }

    @Test(arguments: ["../escape", "/etc/passwd", "a//b", "a/./b", "a/../b", "", "a/", "a b", "a\\b", "zoë", "x.secret/y", ".lock/y"])
    func rejectsPathsThatCouldLeaveTheVault(_ path: String) async throws {
        try await LocalVaultFixture.with { fixture in
            let vault = try fixture.adapter()
            for operation in 0..<4 {
                let error = await #expect(throws: VaultError.self) {
                    switch operation {
                    case 0: _ = try await vault.readMetadata(at: path)
                    case 1: _ = try await vault.read(at: path, version: nil)
                    case 2: _ = try await vault.write(at: path, content: [:], mark: sampleMark(), expected: .absent)
                    default: try await vault.delete(at: path)
                    }
                }
                #expect(error?.kind == .invalidRequest)
            }
        }
    }

    @Test func acceptsDotsInsideSegments() async throws {
        try await LocalVaultFixture.with { fixture in
            let vault = try fixture.adapter()
            for path in ["a/.../b", ".hidden", "v1.2/x.secret", "dir/.lock"] {
                _ = try await vault.write(at: path, content: secretContent(["content": path]), mark: sampleMark(), expected: .absent)
                #expect(revealed(try await vault.read(at: path, version: nil)?.content) == ["content": path])
            }
            #expect(try await vault.listManaged().map(\.path) == [".hidden", "a/.../b", "dir/.lock", "v1.2/x.secret"])
        }
    }
}
