import FuzzSupport

@testable import TresorCore
@testable import TresorVaults

/// Durations and times from outside: manifest durations (`Period`, `90d`, `1h30m`),
/// RFC 3339 timestamps (manifests, AWS marks), OpenBao's times and `Retry-After`.
///
/// Properties: a duration that parses is positive and parses again to the same length;
/// a timestamp that parses, written as tresor writes times, reads back (to the same
/// millisecond when its year has four digits); a `Retry-After` wait is never negative.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDuration(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzing(data, size) { input in
        let text = input.text
        if let period = Period(text) {
            property(period.seconds > 0, "a duration parsed to \(period.seconds) seconds")
            property(Period(period.text)?.seconds == period.seconds, "a duration's text parses to another length")
        }
        if let timestamp = Timestamp(rfc3339: text) {
            let written = StatusCoding.formatDate(timestamp.date)
            let reread = Timestamp(rfc3339: written)
            property(reread != nil, "a timestamp written as \(written) does not read back")
            // A zone offset can put a time outside years 0000-9999, which is written as the nearest time inside.
            let seconds = timestamp.date.timeIntervalSince1970
            if seconds >= StatusCoding.firstTime, seconds <= StatusCoding.lastTime {
                // Within half a millisecond of rounding, plus what a Date (a Double of seconds)
                // cannot tell apart at that distance from 2001 (7.6 µs in year 4052), and what the
                // writer's seconds since 1970 cannot (0.12 µs in 2000: a time half a millisecond
                // from two neighbours may round to either).
                let slack = 0.0005 + 4 * max(timestamp.date.timeIntervalSinceReferenceDate.magnitude.ulp, seconds.magnitude.ulp)
                property(
                    reread.map { abs($0.date.timeIntervalSince(timestamp.date)) <= slack } == true,
                    "a timestamp written as \(written) does not read back to its millisecond")
            }
        }
        _ = HashiCorpTime.parse(text)
        if let wait = RetryAfter.parse(text, now: 1_800_000_000) {
            property(wait >= .zero, "a Retry-After wait is negative")
        }
    }
}
