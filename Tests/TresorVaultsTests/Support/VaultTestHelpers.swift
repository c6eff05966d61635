import Foundation
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

    /// One sample content per secret type, and the single value it is stored as in
    /// AWS, Azure and GCP (which lay content out alike).
    static var samples: [(type: SecretType, content: [String: String], stored: String)] {
        [
            (.basicAuth, ["username": "app", "password": "pw-basic-1"], #"{"password":"pw-basic-1","username":"app"}"#),
            (.apiKey, ["content": "key-api-2"], "key-api-2"),
            (.jwtToken, ["content": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-jwt3"], "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-jwt3"),
            (.privateKey, ["content": "-----BEGIN PRIVATE KEY-----\nTUlJQ-pk4\n-----END PRIVATE KEY-----\n"],
             "-----BEGIN PRIVATE KEY-----\nTUlJQ-pk4\n-----END PRIVATE KEY-----\n"),
            (.secretKey, ["content": "c2VjcmV0LWtleS01LWJ5dGVz"], "c2VjcmV0LWtleS01LWJ5dGVz"),
            (.keyStore, ["keyStoreType": "PKCS12", "content": "MIIks-6", "password": "ks-pw-6"],
             #"{"content":"MIIks-6","keyStoreType":"PKCS12","password":"ks-pw-6"}"#),
            (.keyValue, ["region": "eu", "token": "kv-token-7", "url": "https://x/y"], #"{"region":"eu","token":"kv-token-7","url":"https://x/y"}"#),
            (.generic, ["content": "Z2VuZXJpYy04", "encoding": "base64"], "Z2VuZXJpYy04"),
        ]
    }

    static var fingerprinter: Fingerprinter { Fingerprinter(key: Array(repeating: 7, count: 32)) }

    /// The mark of `content`; generated fields date from a fixed time.
    static func mark(_ secret: String, _ type: SecretType, _ content: [String: SecretValue], generators: [String: String] = [:])
        -> OwnershipMark
    {
        OwnershipMark(
            secret: secret, type: type, fingerprint: fingerprinter.fingerprint(type: type, content: content), generators: generators,
            generatedAt: generators.isEmpty ? nil : Date(timeIntervalSince1970: 1_795_000_000))
    }
}
