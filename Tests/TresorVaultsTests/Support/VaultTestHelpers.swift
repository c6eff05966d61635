import Testing
import TresorCore

/// What every adapter's tests use, whatever the vault: adopted by `AWSTesting` and
/// `HashiCorpTesting` so that their tests call it as `T.content(…)`.
protocol VaultTestHelpers {}

extension VaultTestHelpers {
    static func content(_ map: [String: String]) -> [String: SecretValue] { map.mapValues(SecretValue.init) }

    static func reveal(_ content: [String: SecretValue]?) -> [String: String]? { content?.mapValues { $0.reveal() } }

    /// Runs `body` and returns the VaultError it throws.
    static func vaultError(_ body: () async throws -> Void) async -> VaultError? {
        do {
            try await body()
            return nil
        } catch let error as VaultError {
            return error
        } catch {
            Issue.record("expected a VaultError, got \(error)")
            return nil
        }
    }
}
