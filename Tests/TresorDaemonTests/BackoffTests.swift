import Testing
import TresorDaemon

struct BackoffTests {
    let backoff = Backoff()

    @Test func doublesFromOneSecondAndStopsAtFiveMinutes() {
        let delays = (1...12).map { backoff.delay(failures: $0, unit: 0) }
        #expect(Array(delays.prefix(9)) == [1, 2, 4, 8, 16, 32, 64, 128, 256].map { Duration.seconds($0) })
        #expect(delays.suffix(3).allSatisfy { $0 == .seconds(300) })
        #expect(backoff.delay(failures: 1_000, unit: 0) == .seconds(300))
    }

    @Test func jitterOnlyShortensByAtMostItsShare() {
        #expect(backoff.delay(failures: 3, unit: 0.999_999) >= .milliseconds(3_200))
        #expect(backoff.delay(failures: 3, unit: 0.5) == .milliseconds(3_600))
        #expect(backoff.delay(failures: 20, unit: 0.5) == .seconds(270))
    }
}

struct ResyncScheduleTests {
    @Test func spreadsAroundTheRefreshInterval() {
        let schedule = ResyncSchedule()
        #expect(schedule.delay(interval: 600, unit: 0) == .seconds(540))
        #expect(schedule.delay(interval: 600, unit: 0.5) == .seconds(600))
        #expect(schedule.delay(interval: 600, unit: 0.999_999) <= .seconds(660))
    }
}

struct TokenBucketTests {
    @Test func burstPassesThenWaitsQueueBehindEachOther() {
        var bucket = TokenBucket(qps: 10, burst: 3, now: .zero)
        #expect((0..<3).map { _ in bucket.take(now: .zero) } == [nil, nil, nil])
        #expect(bucket.take(now: .zero) == .milliseconds(100))
        #expect(bucket.take(now: .zero) == .milliseconds(200))
    }

    @Test func refillsAtQpsUpToBurst() {
        var bucket = TokenBucket(qps: 2, burst: 2, now: .zero)
        _ = bucket.take(now: .zero)
        _ = bucket.take(now: .zero)
        #expect(bucket.take(now: .milliseconds(500)) == nil)
        #expect(bucket.take(now: .milliseconds(500)) == .milliseconds(500))
        // A long idle time refills only up to the burst.
        var idle = TokenBucket(qps: 100, burst: 2, now: .zero)
        #expect(idle.take(now: .seconds(60)) == nil)
        #expect(idle.take(now: .seconds(60)) == nil)
        #expect(idle.take(now: .seconds(60)) != nil)
    }
}
