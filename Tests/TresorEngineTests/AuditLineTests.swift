import Foundation
import Testing
import TresorCore

@testable import TresorEngine

/// `AuditEvent.jsonLine` against what `JSONEncoder` (sorted keys, RFC 3339 dates) writes.
@Suite struct AuditLineTests {
    static func encoderLine(_ event: AuditEvent) throws -> [String: String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(StatusCoding.formatDate(date))
        }
        return try JSONDecoder().decode([String: String].self, from: encoder.encode(event))
    }

    @Test func everyFieldAndAwkwardTextReadBackAsJSONEncoderWritesThem() throws {
        let event = AuditEvent(
            time: Date(timeIntervalSince1970: 1_800_000_000.125), actor: "user:ä \"q\"", secret: "db", vaultProfile: "main",
            operation: "update", outcome: "success", fingerprint: "hmac-sha256:01", previousFingerprint: "hmac-sha256:00",
            vaultVersion: "2", message: "line\nbreak \\ tab\t\u{01}")
        let line = event.jsonLine
        #expect(line.last == 0x0A && line.dropLast().contains(0x0A) == false)
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(line.dropLast()))
        #expect(decoded == (try Self.encoderLine(event)))
        #expect(decoded.count == 10)
    }

    @Test func absentFieldsAreLeftOutAndKeysAreSorted() throws {
        let event = AuditEvent(
            time: Date(timeIntervalSince1970: 0), actor: "gitops", secret: "s", vaultProfile: nil, operation: "read", outcome: "success")
        let text = String(decoding: event.jsonLine, as: UTF8.self)
        #expect(text == #"{"actor":"gitops","operation":"read","outcome":"success","secret":"s","time":"1970-01-01T00:00:00.000Z"}"# + "\n")
        #expect(try JSONDecoder().decode([String: String].self, from: Data(event.jsonLine)) == (try Self.encoderLine(event)))
    }
}
