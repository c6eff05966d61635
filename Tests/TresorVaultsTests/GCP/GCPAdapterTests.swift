import Foundation
import Testing
import TresorCore
import _CryptoExtras

@testable import TresorVaults

/// The GCP Secret Manager adapter against the contract fake, which verifies the service
/// account's signed JWT before it issues a token; what the adapter stored is read back
/// through the fake's REST API.
@Suite("GCP adapter on the Secret Manager contract fake")
struct GCPAdapterTests {
    @Test func labelsAndAnnotationsOfOtherToolsSurviveAnUpdate() async throws {
        try await withFixture(GCPFixture.start) { fixture in
            let vault = try fixture.gcp()
            let first = ProviderScenarios.content(["content": "labels-1"])
            let written = try await vault.write(at: "app/key", content: first, mark: ProviderScenarios.mark("key", .apiKey, first), expected: .absent)
            let token = try await fixture.token()
            let patched = try await fixture.fake.json(
                "PATCH", "\(fixture.base)/app__key?updateMask=labels", token: token, body: ["labels": ["managed-by": "tresor", "team": "payments"]])
            #expect(patched.status == 200)
            let second = ProviderScenarios.content(["content": "labels-2"])
            _ = try await vault.write(at: "app/key", content: second, mark: ProviderScenarios.mark("key", .apiKey, second), expected: .version(written.vaultVersion))
            let secret = try #require(try await fixture.fake.json("GET", "\(fixture.base)/app__key", token: token).body as? [String: Any])
            #expect((secret["labels"] as? [String: String])?["team"] == "payments")
            let outside = try #require(try await fixture.outside("app/key"))
            #expect(outside.value == "labels-2")
            #expect(outside.mark["fingerprint"] == ProviderScenarios.mark("key", .apiKey, second).fingerprint)
        }
    }

    @Test func aTokenURIOverPlainHTTPOnAnotherHostIsRefused() async throws {
        try await withFixture(GCPFixture.start) { fixture in
            let key = fixture.directory + "/remote-http.json"
            try GCPFixture.writeKeyFile(key, key: try _RSA.Signing.PrivateKey(keySize: .bits2048), tokenURI: "http://oauth.example.com/token")
            let vault = try GCPAdapter(config: fixture.config(at: fixture.fake.baseURL, keyFile: key), profile: "gcp-test", http: ContractFake.http, environment: [:])
            let error = try #require(await ProviderScenarios.vaultError { _ = try await vault.readMetadata(at: "db") })
            #expect(error.kind == .invalidRequest)
            #expect(error.message.contains("must be https://"))
        }
    }
}
