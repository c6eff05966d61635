import Testing

@testable import TresorCore

@Suite struct NamesTests {
    @Test(arguments: ["a", "a-b", "a.b", "a--b", "1a", "payments-db.v2", String(repeating: "a", count: 253)])
    func acceptsObjectName(_ name: String) {
        #expect(Names.isObjectName(name))
    }

    @Test(arguments: ["", "-a", "a-", "a..b", "a.-b", "a-.b", ".a", "a.", "A", "a_b", "a/b", String(repeating: "a", count: 254)])
    func rejectsObjectName(_ name: String) {
        #expect(!Names.isObjectName(name))
    }

    @Test(arguments: ["db", "db/main", "apps/payments/db.v1", "a/.../b", "x_y-z"])
    func acceptsRelativePath(_ path: String) {
        #expect(Names.isRelativePath(path))
    }

    @Test(arguments: ["", "/db", "db/", "a//b", "./a", "a/./b", "a/../b", "..", "a b", "a\\b"])
    func rejectsRelativePath(_ path: String) {
        #expect(!Names.isRelativePath(path))
    }

    @Test func periodsParseUnitsAndRejectNonsense() {
        #expect(Period("30s")?.seconds == 30)
        #expect(Period("1h30m")?.seconds == 5400)
        #expect(Period("90d")?.seconds == 90 * 86400)
        #expect(Period("2w")?.seconds == 2 * 604_800)
        for bad in ["", "10", "m", "10x", "-5m", "0s", "1.5h", "10 m"] {
            #expect(Period(bad) == nil, "\(bad) should not parse")
        }
    }

    /// Found by fuzzing (Names, once its Swift code had coverage): `https:///\u{64F}0` was a URL
    /// with a host, because the `/` and the combining mark after it are one Character, which
    /// is not "/". The same Character split let `http://evil.example/\u{301}@127.0.0.1` pass
    /// for a loopback address, where plain http is allowed. Both read Unicode scalars now.
    @Test func aSlashJoinedByACombiningMarkEndsTheHostAsAnyOtherSlash() {
        #expect(!Names.isHTTPURL("https:///\u{64F}0"))
        #expect(!Names.isHTTPURL("https:///\u{64F}0", httpsOnly: true))
        #expect(!Names.isLoopbackURL("http://evil.example/\u{301}@127.0.0.1"))
        #expect(!Names.isLoopbackURL("http://evil.example?\u{301}@127.0.0.1:8200"))
        #expect(Names.isHTTPURL("https://vault.example/\u{301}path"))
        #expect(Names.isLoopbackURL("http://127.0.0.1:8200/\u{301}"))
        #expect(Names.isHTTPURL("https://bücher.example/v1"))
    }

    /// Found by fuzzing (Duration, a seed grown to 1 MiB): sixteen twelve-digit counts of
    /// weeks overflowed the sum, and loading a manifest that held one trapped.
    @Test func aDurationLongerThanIntCanHoldIsNotADuration() {
        #expect(Period("999999999999w")?.seconds == 999_999_999_999 * 604_800)
        #expect(Period(String(repeating: "999999999999w", count: 16)) == nil)
    }

    @Test func timestampsFollowRFC3339() {
        #expect(Timestamp(rfc3339: "2027-01-31T00:00:00Z") != nil)
        #expect(Timestamp(rfc3339: "2027-01-31T10:00:00.5+02:00") != nil)
        let utc = Timestamp(rfc3339: "2027-01-31T08:00:00Z")
        let offset = Timestamp(rfc3339: "2027-01-31T10:00:00+02:00")
        #expect(utc?.date == offset?.date)
        for bad in ["2027-01-31", "2027-02-30T00:00:00Z", "2027-01-31 00:00:00Z", "2027-01-31T25:00:00Z", "tomorrow"] {
            #expect(Timestamp(rfc3339: bad) == nil, "\(bad) should not parse")
        }
    }
}
