import Foundation
import Testing
import TresorCore
import TresorEngine
import TresorVaults

/// Whole engine passes with one provider's fake as the only vault profile (`vault`), as
/// every provider's engine suite runs them; each result is read back through the fake's API.
enum ProviderEngineScenarios {
    struct Setup {
        let state: URL
        let store: StateStore
    }

    static func setup() throws -> Setup {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-provider-engine-\(UUID().uuidString)")
        return Setup(state: state, store: try StateStore(root: state.path))
    }

    static func profile(_ fixture: some ProviderFixture) -> String {
        """
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: vault}
        spec:
          provider: {\(fixture.providerYAML)}
        ---

        """
    }

    static func secret(_ name: String, password: String, adopt: Bool = false, deletion: String = "Retain") -> String {
        """
        apiVersion: tresor.dev/v1alpha1
        kind: Secret
        metadata: {name: \(name)}
        spec:
          type: basicAuth
          vaultProfile: vault
          allowInlineValues: true
          adopt: \(adopt)
          deletionPolicy: \(deletion)
          content: {username: app, password: "\(password)"}
        ---

        """
    }

    static func apply(_ yaml: String, _ fixture: some ProviderFixture, _ setup: Setup) async throws -> Engine.Report {
        try await EnginePass.apply(
            yaml, state: setup.state, store: setup.store, environment: fixture.environment, http: ContractFake.http,
            options: Engine.Options(actor: "provider-test"))
    }

    /// The password a basicAuth secret holds, from a single value's JSON or a map's field.
    static func password(_ view: OutsideView?) -> String? {
        guard let view else { return nil }
        if let data = view.data { return data["password"] }
        let object = (try? JSONSerialization.jsonObject(with: Data((view.value ?? "").utf8))) as? [String: Any]
        return object?["password"] as? String
    }

    static func audit(_ setup: Setup) throws -> String {
        String(decoding: try AtomicFile.read(setup.store.auditPath) ?? [], as: UTF8.self)
    }

    /// Create, a pass with nothing to do, one change, and drift corrected.
    static func createUpdateAndDrift(_ fixture: some ProviderFixture, keepsVersions: Bool) async throws {
        let setup = try setup()
        defer { try? FileManager.default.removeItem(at: setup.state) }
        let first = try await apply(profile(fixture) + secret("db", password: "engine-pw-1"), fixture, setup)
        #expect(first.failures == 0, "\(first.failedSecrets.map { $0.error ?? "\($0.targets)" })")
        #expect(first.writes == 1)
        let created = try #require(try await fixture.outside("db"))
        #expect(password(created) == "engine-pw-1")
        #expect(created.mark["secret"] == "db")

        let again = try await apply(profile(fixture) + secret("db", password: "engine-pw-1"), fixture, setup)
        #expect(again.failures == 0)
        #expect(again.writes == 0)
        #expect(try await fixture.outside("db")?.current == created.current)
        #expect(try await fixture.outside("db")?.versions == 1)

        let changed = try await apply(profile(fixture) + secret("db", password: "engine-pw-2"), fixture, setup)
        #expect(changed.failures == 0)
        #expect(changed.writes == 1)
        let updated = try #require(try await fixture.outside("db"))
        #expect(password(updated) == "engine-pw-2")
        #expect(updated.versions == (keepsVersions ? 2 : 1))
        #expect(updated.current != created.current)
        let status = try #require(try setup.store.readStatus("db"))
        #expect(status.versions.map(\.number) == [1, 2])
        #expect(status.targets["vault"]?.vaultVersion == updated.current)

        try await fixture.tamper("db", field: "password", value: "tampered-outside")
        let corrected = try await apply(profile(fixture) + secret("db", password: "engine-pw-2"), fixture, setup)
        #expect(corrected.failures == 0)
        #expect(password(try await fixture.outside("db")) == "engine-pw-2")
        let audit = try audit(setup)
        #expect(audit.contains("\"operation\":\"drift\""))
        for value in ["engine-pw-1", "engine-pw-2", "tampered-outside"] { #expect(!audit.contains(value)) }
    }

    /// An unmarked secret is refused without `adopt` and taken over with it; removed from
    /// the manifests with `deletionPolicy: Retain`, it is released (left in the vault).
    static func foreignRefusedAdoptedAndReleased(_ fixture: some ProviderFixture) async throws {
        let setup = try setup()
        defer { try? FileManager.default.removeItem(at: setup.state) }
        try await fixture.writeOutside("theirs", value: "their-value")
        let refused = try await apply(profile(fixture) + secret("theirs", password: "ours-pw"), fixture, setup)
        #expect(refused.failures == 1)
        #expect(refused.plans.first?.isBlocked == true)
        let untouched = try #require(try await fixture.outside("theirs"))
        #expect((untouched.value ?? untouched.data?["content"]) == "their-value")
        #expect(untouched.mark.isEmpty)

        let adopted = try await apply(profile(fixture) + secret("theirs", password: "ours-pw", adopt: true), fixture, setup)
        #expect(adopted.failures == 0, "\(adopted.failedSecrets.map { $0.error ?? "\($0.targets)" })")
        let taken = try #require(try await fixture.outside("theirs"))
        #expect(password(taken) == "ours-pw")
        #expect(taken.mark["secret"] == "theirs")

        let released = try await apply(profile(fixture), fixture, setup)
        #expect(released.failures == 0)
        #expect(password(try await fixture.outside("theirs")) == "ours-pw")
    }

    /// Removed from the manifests with `deletionPolicy: Delete`: deleted from the vault.
    static func deletedWhenRemoved(_ fixture: some ProviderFixture) async throws {
        let setup = try setup()
        defer { try? FileManager.default.removeItem(at: setup.state) }
        let created = try await apply(profile(fixture) + secret("temp", password: "delete-me", deletion: "Delete"), fixture, setup)
        #expect(created.failures == 0)
        #expect(try await fixture.outside("temp") != nil)
        let removed = try await apply(profile(fixture), fixture, setup)
        #expect(removed.failures == 0)
        #expect(try await fixture.outside("temp") == nil)
    }
}
