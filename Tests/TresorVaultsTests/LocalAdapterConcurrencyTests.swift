import Foundation
import Testing
import TresorCore
import TresorVaults

@Suite struct LocalAdapterConcurrencyTests {
    /// Reads the counter and writes it plus one, expecting the version it read; retries on conflict.
    private func increment(_ vault: LocalAdapter, at path: String) async throws -> Int {
        var attempts = 0
        while true {
            attempts += 1
            let current = try await vault.read(at: path, version: nil)
            let value = try current.map { try #require(Int($0.content["count"]?.reveal() ?? "")) } ?? 0
            let expected: ExpectedVersion = current.map { .version($0.metadata.vaultVersion) } ?? .absent
            do {
                _ = try await vault.write(
                    at: path, content: secretContent(["count": String(value + 1)]), mark: sampleMark(), expected: expected)
                return attempts
            } catch let error as VaultError where error.kind == .conflict {
                continue
            }
        }
    }

    @Test func twoAdaptersIncrementingConcurrentlyLoseNoUpdate() async throws {
        try await LocalVaultFixture.with { fixture in
            let first = try fixture.adapter()
            let second = try fixture.adapter()
            let attempts = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<100 {
                    let vault = index.isMultiple(of: 2) ? first : second
                    group.addTask { try await increment(vault, at: "shared/counter") }
                }
                return try await group.reduce(0, +)
            }
            #expect(attempts >= 100)

            let metadata = try #require(try await first.readMetadata(at: "shared/counter"))
            #expect(metadata.vaultVersion == "100")
            let current = try #require(try await second.read(at: "shared/counter", version: nil))
            #expect(revealed(current.content) == ["count": "100"])
            for number in 1...100 {
                let entry = try #require(try await first.read(at: "shared/counter", version: String(number)))
                #expect(revealed(entry.content) == ["count": String(number)])
            }
            #expect(try fixture.lines("shared/counter.secret").count == 1 + 100)
        }
    }

    @Test func aLeftoverTempFileIsIgnoredAndReplacedByTheNextWrite() async throws {
        try await LocalVaultFixture.with { fixture in
            let vault = try fixture.adapter()
            _ = try await vault.write(at: "db/main", content: secretContent(["content": "before"]), mark: sampleMark(), expected: .absent)
            // A writer that crashed between creating its temp file and the rename leaves a
            // partial file beside the secret, maybe a complete copy of a secret file.
            let partial = fixture.directory + "/db/.tresor-main.secret.tmp"
            let complete = fixture.directory + "/.tresor-00000000cafef00d.tmp"
            try Data("{\"format\":1,\"version\":".utf8).write(to: URL(fileURLWithPath: partial))
            try Data(contentsOf: URL(fileURLWithPath: fixture.directory + "/db/main.secret")).write(to: URL(fileURLWithPath: complete))

            #expect(try await vault.listManaged().map(\.path) == ["db/main"])
            #expect(revealed(try await vault.read(at: "db/main", version: nil)?.content) == ["content": "before"])

            let written = try await vault.write(
                at: "db/main", content: secretContent(["content": "after"]), mark: sampleMark(), expected: .version("1"))
            #expect(written.vaultVersion == "2")
            #expect(revealed(try await vault.read(at: "db/main", version: nil)?.content) == ["content": "after"])
            #expect(!FileManager.default.fileExists(atPath: partial))
            #expect(try await vault.listManaged().map(\.path) == ["db/main"])

            // Deleting the secret is not blocked by leftovers either.
            try await vault.delete(at: "db/main")
            #expect(!fixture.exists("db"))
        }
    }
}
