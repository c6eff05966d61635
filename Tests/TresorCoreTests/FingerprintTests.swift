import Testing

@testable import TresorCore

@Suite struct FingerprintTests {
    /// The encoding is on record in every status file and vault mark: a change would make
    /// every secret compare by content once and rewrite every status. The expected value
    /// was computed outside Swift (Python's hmac over the encoding DESIGN §4 describes).
    @Test func fingerprintIsKeyedHMACOverTheLengthPrefixedEncoding() {
        let fingerprinter = Fingerprinter(key: Array(repeating: 7, count: 32))
        let fingerprint = fingerprinter.fingerprint(
            type: .basicAuth, content: ["username": SecretValue("u"), "password": SecretValue("p-ü")])
        #expect(fingerprint == "hmac-sha256:f8911412d542cab6f710186b48dcae06fbd8b041991d967f678201f27a663511")
    }

    @Test func fieldBoundariesMatter() {
        let fingerprinter = Fingerprinter(key: Array(repeating: 1, count: 32))
        let joined = fingerprinter.fingerprint(type: .keyValue, content: ["a": SecretValue("bc")])
        let split = fingerprinter.fingerprint(type: .keyValue, content: ["ab": SecretValue("c")])
        #expect(joined != split)
    }
}
