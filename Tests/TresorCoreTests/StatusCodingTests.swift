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

    /// Found by fuzzing (StatusFile): a time before 1970 was written with a negative
    /// millisecond, `0026-12-07T04:24:19.-/'Z`, so a status file tresor wrote did not read back.
    /// Found by fuzzing (Duration): `4052-11-27T09:26:18.72149803472Z` is written as
    /// `…18.722Z`. Not a rounding error of tresor's: a Date holds seconds since 2001 in a
    /// Double, which cannot tell apart times 7.6 µs apart in year 4052, so .721498 s is
    /// already .7215 when it reaches the writer. The written time is the nearest
    /// millisecond within that precision, and reads back to it.
    @Test func aFarFutureTimestampIsWrittenToTheNearestMillisecondADateCanHold() throws {
        let timestamp = try #require(Timestamp(rfc3339: "4052-11-27T09:26:18.72149803472Z"))
        let written = StatusCoding.formatDate(timestamp.date)
        #expect(written.hasPrefix("4052-11-27T09:26:18.72"))
        let reread = try #require(Timestamp(rfc3339: written))
        let slack = 0.0005 + 4 * timestamp.date.timeIntervalSinceReferenceDate.magnitude.ulp
        #expect(abs(reread.date.timeIntervalSince(timestamp.date)) <= slack)
        // Near now a Date holds far below a microsecond: the rounding is exact.
        let near = try #require(Timestamp(rfc3339: "2026-12-07T09:26:18.7214998Z"))
        #expect(StatusCoding.formatDate(near.date) == "2026-12-07T09:26:18.721Z")
    }

    /// Found by fuzzing (Duration, once its Swift code had coverage): the leap second
    /// `1999-12-31t23:59:60.9905-00:30` lies exactly half a millisecond between two, and
    /// the writer works in seconds since 1970, which near 2000 a Double holds to 0.12 µs; so
    /// it rounds to either neighbour. Written as `…59.991Z`, it reads back within half a
    /// millisecond plus that precision (the fuzz property had allowed only the precision of
    /// seconds since 2001, a thirtieth of it).
    @Test func aTimeExactlyBetweenTwoMillisecondsReadsBackWithinWhatItsSecondsCanHold() throws {
        let timestamp = try #require(Timestamp(rfc3339: "1999-12-31t23:59:60.9905-00:30"))
        let written = StatusCoding.formatDate(timestamp.date)
        #expect(written == "2000-01-01T00:29:59.991Z")
        let reread = try #require(Timestamp(rfc3339: written))
        let seconds = timestamp.date.timeIntervalSince1970
        #expect(abs(reread.date.timeIntervalSince(timestamp.date)) <= 0.0005 + 4 * seconds.magnitude.ulp)
        #expect(abs(reread.date.timeIntervalSince(timestamp.date)) > 0.0005, "the case is the edge it was found at")
    }

    @Test func statusFileWithATimeBefore1970ReadsBackAfterItIsWritten() throws {
        var status = SecretStatus(name: "db", type: .basicAuth, sourceProfile: "main")
        let old = try #require(Timestamp(rfc3339: "0026-12-07T04:24:19.681Z")).date
        status.appendVersion(fingerprint: "hmac-sha256:00ff", vaultProfile: "main", vaultVersion: "1", at: old)
        let written = try StatusCoding.encodeBytes(status)
        #expect(String(decoding: written, as: UTF8.self).contains("createdAt: \"0026-12-07T04:24:19.681Z\""))
        let reread = try StatusCoding.decode(SecretStatus.self, from: written)
        #expect(try StatusCoding.encodeBytes(reread) == written)
        #expect(StatusCoding.formatDate(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
    }

    /// Found by fuzzing (ApprovalFile, AuditLine): RFC 3339 has four-digit years, and a
    /// time past them (a zone offset at either end, an expiry far ahead) was written with a
    /// wrong year that does not read back; it is written as the nearest time inside.
    @Test func timesOutsideFourDigitYearsAreWrittenAsTheNearestTimeInside() throws {
        let late = try #require(Timestamp(rfc3339: "9999-12-31T23:59:59-01:00")).date
        let early = try #require(Timestamp(rfc3339: "0000-01-01T00:00:00+01:00")).date
        #expect(StatusCoding.formatDate(late) == "9999-12-31T23:59:59.999Z")
        #expect(StatusCoding.formatDate(Date(timeIntervalSince1970: 1e15)) == "9999-12-31T23:59:59.999Z")
        #expect(StatusCoding.formatDate(early) == "0000-01-01T00:00:00.000Z")
        #expect(StatusCoding.formatDate(Date(timeIntervalSince1970: -1e15)) == "0000-01-01T00:00:00.000Z")
        for date in [late, early, .distantFuture, .distantPast] {
            #expect(Timestamp(rfc3339: StatusCoding.formatDate(date)) != nil)
        }
    }

    /// Found by fuzzing (ApprovalFile): NEL, LS and PS were written raw inside double
    /// quotes, where YAML reads them as line breaks, so such a text read back as a space;
    /// DEL and the other C1 controls made a file tresor wrote that YAML refuses.
    @Test func textWithUnicodeLineSeparatorsAndControlsReadsBackUnchanged() throws {
        var status = SecretStatus(name: "db", type: .basicAuth, sourceProfile: "main")
        let text = "next line\u{85}line separator\u{2028}paragraph separator\u{2029}del\u{7F}c1\u{9B}nonchar\u{FFFF}ü🔑end"
        status.setCondition(.ready, .false, .sourceFailed, text, now: Date(timeIntervalSince1970: 1_800_000_000))
        let written = try StatusCoding.encodeBytes(status)
        #expect(!written.contains(0x85) && !String(decoding: written, as: UTF8.self).contains("\u{2028}"))
        #expect(try StatusCoding.decode(SecretStatus.self, from: written) == status)
    }

    @Test func layoutIsBlockYAMLWithObjectsInListsOnTheDashLine() throws {
        var status = SecretStatus(name: "db", type: .basicAuth, sourceProfile: "main")
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        status.state = .active
        status.appendVersion(fingerprint: "hmac-sha256:00ff", vaultProfile: "main", vaultVersion: "7", at: now)
        status.targets["main"] = TargetStatus(role: .source, path: "db", fingerprint: "hmac-sha256:00ff", vaultVersion: "7")
        let yaml = try StatusCoding.encode(status)
        let expected = """
            name: db
            type: basicAuth
            state: active
            observedGeneration: ""
            sourceProfile: main
            conditions: []
            targets:
              main:
                role: source
                path: db
                fingerprint: "hmac-sha256:00ff"
                vaultVersion: "7"
            versions:
              - number: 1
                fingerprint: "hmac-sha256:00ff"
                vaultProfile: main
                vaultVersion: "7"
                createdAt: "2027-01-15T08:00:00.000Z"

            """
        #expect(yaml == expected)
        #expect(try StatusCoding.decode(SecretStatus.self, from: Array(yaml.utf8)) == status)
    }

    @Test func nestedListsAndEmptyContainersReadBack() throws {
        struct Sample: Codable, Equatable {
            var grid: [[Int]]
            var empty: [String: Int]
            var none: [Int]
            var flags: [String: Bool]
            var ratio: Double
            var items: [[String: [String]]]
        }
        let sample = Sample(
            grid: [[1, 2], [], [3]], empty: [:], none: [], flags: ["b": false, "a": true], ratio: 2.5,
            items: [["x": ["1", "true"]], [:]])
        let yaml = try StatusCoding.encode(sample)
        #expect(try StatusCoding.decode(Sample.self, from: Array(yaml.utf8)) == sample)
        #expect(yaml.contains("flags:\n  a: true\n  b: false\n"))
    }
}
