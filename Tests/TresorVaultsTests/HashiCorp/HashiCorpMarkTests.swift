import Foundation
import Testing
@testable import TresorCore

@testable import TresorVaults

/// Ownership marks as `custom_metadata`.
@Suite("HashiCorp adapter: marks")
struct HashiCorpMarkTests {
    typealias T = HashiCorpTesting

    @Test func encodesEveryPartOfTheMark() {
        #expect(HashiCorpMark.encode(T.mark()) == T.markMetadata)
        let plain = OwnershipMark(secret: "s", type: .keyValue, fingerprint: "f")
        #expect(
            HashiCorpMark.encode(plain)
                == ["managed-by": "tresor", "tresor-secret": "s", "tresor-type": "keyValue", "tresor-fingerprint": "f"])
    }

    @Test func roundTripsEveryTypeAndGenerators() throws {
        for type in SecretType.allCases {
            let mark = OwnershipMark(
                secret: "name-\(type)", type: type, fingerprint: "fp-\(type.rawValue)",
                generators: ["a": "d1", "with-dash.and.dots": "d2"], generatedAt: Date(timeIntervalSince1970: 1_700_000_123))
            // Written out by hand; 1700000123 is 2023-11-14T22:15:23Z (`date -u -d @1700000123`).
            let stored = [
                "managed-by": "tresor", "tresor-secret": "name-\(type)", "tresor-type": type.rawValue, "tresor-fingerprint": "fp-\(type.rawValue)",
                "tresor-gen-a": "d1", "tresor-gen-with-dash.and.dots": "d2", "tresor-generated-at": "2023-11-14T22:15:23.000Z",
            ]
            #expect(HashiCorpMark.encode(mark) == stored)
            #expect(try HashiCorpMark.decode(stored, path: "p", server: "s") == mark)
        }
    }

    @Test func keepsOtherKeysAndReplacesStaleTresorKeys() {
        let existing = ["owner": "team-a", "tresor-gen-old": "x", "managed-by": "someone", "tresor-extra": "y"]
        let encoded = HashiCorpMark.encode(T.mark(), keeping: existing)
        var expected = T.markMetadata
        expected["owner"] = "team-a"
        #expect(encoded == expected)
    }

    @Test func readsFractionalTimesFromOtherWriters() throws {
        var metadata = T.markMetadata
        metadata["tresor-generated-at"] = "2026-11-18T11:06:40.5Z"
        let mark = try #require(try HashiCorpMark.decode(metadata, path: "p", server: "s"))
        #expect(mark.generatedAt == Date(timeIntervalSince1970: 1_795_000_000.5))
        #expect(HashiCorpTime.parse("2026-11-27T09:25:18.133304485Z") != nil)
        #expect(HashiCorpTime.parse("2026-11-27T10:25:18+01:00") == HashiCorpTime.parse("2026-11-27T09:25:18Z"))
        #expect(HashiCorpTime.parse("") == nil)
    }

    @Test func noManagedByMeansNoMark() throws {
        #expect(try HashiCorpMark.decode(nil, path: "p", server: "s") == nil)
        #expect(try HashiCorpMark.decode(["tresor-secret": "x"], path: "p", server: "s") == nil)
        #expect(try HashiCorpMark.decode(["managed-by": "terraform"], path: "p", server: "s") == nil)
    }

    @Test func brokenMarkIsCorruptedAndSaysWhy() {
        var metadata = T.markMetadata
        metadata["tresor-type"] = "certificate"
        #expect {
            try HashiCorpMark.decode(metadata, path: "db/main", server: "OpenBao at x")
        } throws: { error in
            let error = error as? VaultError
            return error?.kind == .corrupted && error?.message.contains("tresor-type 'certificate'") == true
                && error?.message.contains("db/main") == true
        }
        metadata = T.markMetadata
        metadata.removeValue(forKey: "tresor-secret")
        #expect(throws: VaultError.self) { try HashiCorpMark.decode(metadata, path: "p", server: "s") }
    }
}
