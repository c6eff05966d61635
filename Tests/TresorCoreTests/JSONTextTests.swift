import Foundation
import Testing

@testable import TresorCore

@Suite struct JSONTextTests {
    @Test func everyASCIIByteAndUnicodeReadBackThroughFoundation() throws {
        let every = String(decoding: (0..<0x80).map { UInt8($0) }, as: UTF8.self)
        let members = ["all ascii": every, "unicode": "ünïcødé 🔑 \u{2028}", "a/b": "c\\d\"e", "": ""]
        var bytes: [UInt8] = []
        JSONText.appendObject(members, to: &bytes)
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(bytes))
        #expect(decoded == members)
    }

    @Test func keysAreSortedAndNothingIsEscapedThatNeedNotBe() {
        var bytes: [UInt8] = []
        JSONText.appendObject(["b": "x/y", "a": "1\n2"], to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"a":"1\n2","b":"x/y"}"#)
        bytes = []
        JSONText.appendString("\u{01}\u{7F}", to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == #""\u0001\u007f""#)
    }
}
