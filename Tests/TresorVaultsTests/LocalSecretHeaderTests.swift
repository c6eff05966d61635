import Foundation
import Testing
import TresorCore

@testable import TresorVaults

/// The fast header reader must read exactly what `JSONDecoder` reads from what
/// `JSONEncoder` writes, and step aside for anything it does not know.
@Suite struct LocalSecretHeaderTests {
    private func encoded(_ header: LocalSecretHeader) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return try encoder.encode(header)
    }

    static let marks: [OwnershipMark?] = [
        nil,
        sampleMark(),
        OwnershipMark(secret: "a", type: .keyValue, fingerprint: ""),
        OwnershipMark(
            secret: "quote\" back\\slash /slash\n\t\u{1}\u{7F} zoë 🔑 日本", type: .generic, fingerprint: "hmac-sha256:ff",
            generators: ["": "", "π": "\u{0}", "k\"ey": "va\\lue"], generatedAt: Date(timeIntervalSinceReferenceDate: -1.5e9)),
        OwnershipMark(
            secret: "x", type: .privateKey, fingerprint: "f", generators: ["content": "rsa:3072"],
            generatedAt: Date(timeIntervalSince1970: 4_102_444_800.000_001)),
    ]

    @Test(arguments: marks)
    func scanReadsWhatJSONDecoderReads(_ mark: OwnershipMark?) throws {
        let header = LocalSecretHeader(format: 1, mark: mark, version: 42, updatedAt: Date(timeIntervalSinceReferenceDate: 817_462_042.976_157_2))
        let line = try encoded(header)
        let scanned = try #require(LocalSecretHeader.scan(line))
        let decoded = try JSONDecoder().decode(LocalSecretHeader.self, from: line)
        #expect(scanned.mark == decoded.mark)
        #expect(scanned.mark == mark)
        #expect(scanned.version == 42 && scanned.format == 1)
        #expect(scanned.updatedAt == decoded.updatedAt)
        #expect(scanned.updatedAt == header.updatedAt)
    }

    @Test func scanKnowsEveryFieldOfTheMark() throws {
        let data = try JSONEncoder().encode(sampleMark())
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == LocalSecretHeader.markKeys)
    }

    @Test func anUnknownMarkFieldFallsBackToJSONDecoder() throws {
        let line = Data(
            #"{"format":1,"version":3,"updatedAt":1.5,"mark":{"secret":"s","type":"apiKey","fingerprint":"f","generators":{},"future":true}}"#.utf8)
        #expect(LocalSecretHeader.scan(line) == nil)
        let header = try LocalSecretHeader.decode(line, path: "p")
        #expect(header.mark?.secret == "s")
        #expect(header.version == 3)
    }

    /// Found by fuzzing (LocalVaultFile): the scanner kept the last of a repeated key and
    /// `JSONDecoder` the first, so the two readers of a header line read two marks.
    @Test func aHeaderLineWithARepeatedKeyIsReadAsJSONDecoderReadsIt() throws {
        let line = Data(
            #"{"format":1,"version":3,"updatedAt":1.5,"mark":{"secret":"s","type":"apiKey","fingerprint":"first","generators":{},"fingerprint":"second"}}"#.utf8)
        #expect(LocalSecretHeader.scan(line) == nil)
        let decoded = try JSONDecoder().decode(LocalSecretHeader.self, from: line)
        #expect(try LocalSecretHeader.decode(line, path: "p").mark == decoded.mark)
    }

    /// Found by fuzzing (LocalVaultFile): a header line that ends 513 levels deep, which
    /// the scanner refuses, was handed to `JSONDecoder`, which traps on it; it is now unreadable.
    @Test func aHeaderLineNestedHundredsDeepIsUnreadableNotACrash() throws {
        let line = #"{"a":"# + String(repeating: "[", count: 512)
        #expect(throws: VaultError.self) { try LocalSecretHeader.decode(Data(line.utf8), path: "p") }
        #expect(JSONDepth.nestsAtMost(Data(#"{"a":[[1]],"b":"[[[[[[[[[[[[["}"#.utf8), 3))
        #expect(!JSONDepth.nestsAtMost(Data(#"{"a":[[[1]]]}"#.utf8), 3))
    }

    @Test func scanSkipsUnknownTopLevelFieldsAndToleratesWhitespace() throws {
        let line = Data(
            #" { "extra" : [1, -2.5e3, {"a": null}, "s\u00e9", true, false] , "format" : 1 , "version" : 7 , "updatedAt" : 0 , "mark" : null } "#.utf8)
        let header = try #require(LocalSecretHeader.scan(line))
        #expect(header.version == 7 && header.mark == nil)
    }

    @Test(arguments: [
        #"{"format":1,"version":1,"updatedAt":0} x"#,
        #"{"format":1,"version":1,"updatedAt":0"#,
        #"{"format":01,"version":1,"updatedAt":0}"#,
        #"{"format":1,"version":1.5,"updatedAt":0}"#,
        #"{"format":1,"version":1,"updatedAt":"0"}"#,
        #"{"format":1,"version":1,"updatedAt":0,"mark":{"secret":"\ud800","type":"apiKey","fingerprint":"f","generators":{}}}"#,
        #"{"format":1,"version":1,"updatedAt":0,"mark":{"secret":"\q","type":"apiKey","fingerprint":"f","generators":{}}}"#,
        "{\"format\":1,\"version\":1,\"updatedAt\":0,\"mark\":{\"secret\":\"\u{1}\",\"type\":\"apiKey\",\"fingerprint\":\"f\",\"generators\":{}}}",
        #"{"format":1,"version":1,"updatedAt":0,"mark":{"secret":"s","type":"nope","fingerprint":"f","generators":{}}}"#,
        #"{"format":1,"version":1,"updatedAt":0,"mark":{"type":"apiKey","fingerprint":"f","generators":{}}}"#,
        #"{"format":1,"updatedAt":0}"#,
        #"[1]"#,
        "",
    ])
    func scanRejectsWhatIsNotAHeader(_ text: String) {
        #expect(LocalSecretHeader.scan(Data(text.utf8)) == nil)
    }

    @Test func scanRejectsInvalidUTF8() {
        var line = Data(#"{"format":1,"version":1,"updatedAt":0,"mark":{"secret":"#.utf8)
        line.append(contentsOf: [0xFF, 0xFE, 0x22])
        line.append(Data(#","type":"apiKey","fingerprint":"f","generators":{}}}"#.utf8))
        #expect(LocalSecretHeader.scan(line) == nil)
    }
}
