import Foundation
import Testing

@testable import TresorCore

@Suite struct StatusCodingTests {
    @Test func statusRoundTripsThroughYAMLWithAwkwardText() throws {
        var status = SecretStatus(name: "db", type: .basicAuth, sourceProfile: "main")
        let now = Date(timeIntervalSince1970: 1_800_000_000.5)
        let awkward = "quote \" backslash \\ newline \n tab \t control \u{01} colon: dash - hash # yes null 1.5 ünïcødé 🔑"
        status.setCondition(.ready, .false, .sourceFailed, awkward, now: now)
        status.appendVersion(fingerprint: "hmac-sha256:00ff", vaultProfile: "main", vaultVersion: "7", at: now)
        status.targets["main"] = TargetStatus(role: .source, path: "db/main", fingerprint: "hmac-sha256:00ff", vaultVersion: "7", lastError: "true")
        for plain in ["true", "null", "~", "-x", "1e3", "", " lead", "trail "] {
            status.targets[plain.isEmpty ? "empty" : plain] = TargetStatus(role: .sync, path: plain)
        }
        let yaml = try StatusCoding.encode(status)
        let decoded = try StatusCoding.decode(SecretStatus.self, from: Array(yaml.utf8))
        #expect(decoded == status)
        #expect(yaml.hasPrefix("name: db\ntype: basicAuth\n"))
    }

    @Test func timestampsKeepMilliseconds() throws {
        let date = Date(timeIntervalSince1970: 1_800_000_000.456)
        #expect(StatusCoding.formatDate(date) == "2027-01-15T08:00:00.456Z")
        #expect(Timestamp(rfc3339: "2027-01-15T08:00:00.456Z")?.date.timeIntervalSince1970 == 1_800_000_000.456)
        #expect(Timestamp(rfc3339: "2024-02-29T00:00:00Z") != nil)
        #expect(Timestamp(rfc3339: "2023-02-29T00:00:00Z") == nil)
    }
}
