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

    /// What the writer before `JSONEncoder` wrote for `event` (keys sorted, nil members left
    /// out), byte for byte: it escaped DEL and backspace as `\u007f` and `\u0008`, where
    /// `JSONEncoder` writes DEL as it is and backspace as `\b`.
    static func earlierWritersLine(message: String, prev: String) -> [UInt8] {
        Array(
            (#"{"actor":"user:alice","message":""# + message + #"","operation":"update","outcome":"success","prev":""# + prev
                + #"","secret":"db","time":"2027-01-15T08:00:00.000Z","vaultProfile":"main/kv"}"#).utf8)
    }

    static let awkward = AuditEvent(
        time: Date(timeIntervalSince1970: 1_800_000_000), actor: "user:alice", secret: "db", vaultProfile: "main/kv",
        operation: "update", outcome: "success", message: "del\u{7F} back\u{08}space a/b")

    @Test func delAndBackspaceAreWrittenAsJSONEncoderWritesThemNotAsTheEarlierWriterDid() throws {
        let line = Self.awkward.jsonLine(previous: AuditChain.genesis)
        let earlier = Self.earlierWritersLine(message: #"del\u007f back\u0008space a/b"#, prev: AuditChain.genesis)
        #expect(line.dropLast().contains(0x7F) && line.dropLast() != earlier[...])
        #expect(String(decoding: line, as: UTF8.self).contains(#""message":"del\#u{7F} back\bspace a/b""#))
        // Both read back as the same event.
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .tresor
        let now = try decoder.decode(AuditEvent.self, from: Data(line))
        let before = try decoder.decode(AuditEvent.self, from: Data(earlier))
        #expect(now.message == before.message && now.message == Self.awkward.message && now.time == before.time)
    }

    /// `audit verify` hashes each line as the bytes on disk: a log the earlier writer left
    /// (with its head) goes on with lines the new writer escapes differently, and holds.
    @Test func aLogTheEarlierWriterLeftGoesOnAndVerifies() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-audit-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/audit.log"
        let first = Self.earlierWritersLine(message: #"del\u007f back\u0008space a/b"#, prev: AuditChain.genesis)
        let second = Self.earlierWritersLine(message: "second", prev: AuditChain.hash(first))
        let earlier = first + [0x0A] + second + [0x0A]
        try Data(earlier).write(to: URL(fileURLWithPath: path))
        try Data(AuditHead(hash: AuditChain.hash(second), size: earlier.count).line).write(to: URL(fileURLWithPath: path + ".head"))
        #expect(try AuditChain.verifyLog(at: path).problem == nil)

        let log = try AuditLog(path: path)
        log.append([Self.awkward])
        log.append([Self.awkward])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let lines = bytes.split(separator: 0x0A)
        #expect(lines.count == 4 && bytes.prefix(earlier.count) == Data(earlier), "the earlier lines are kept as they were")
        #expect(lines[2].contains(0x7F), "the new lines are the new writer's")
        #expect(String(decoding: lines[2], as: UTF8.self).contains(#""prev":"\#(AuditChain.hash(second))""#))
        let check = try AuditChain.verifyLog(at: path)
        #expect(check.problem == nil, "\(check.problem ?? "")")
        #expect(check.lines == 4 && check.unchained == 0 && check.note == nil)
    }
}
