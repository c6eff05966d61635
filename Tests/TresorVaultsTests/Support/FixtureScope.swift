import TresorCore
import TresorTestSupport

/// Runs `body` with a fixture started for it and stops the fixture afterwards, pass or fail.
func withFixture<Fixture: ProviderFixture>(_ start: () async throws -> Fixture, _ body: (Fixture) async throws -> Void) async throws {
    let fixture = try await start()
    try await withCleanup { try await body(fixture) } cleanup: { await fixture.stop() }
}

/// Looks credentials up in a fixed map, as the engine looks them up in the environment.
func credentials(_ values: [String: String]) -> @Sendable (CredentialSource) throws -> String {
    { source in
        guard case .fromEnv(let name) = source, let value = values[name] else { throw ContractFake.Failure(description: "no credential \(source)") }
        return value
    }
}
