import Foundation
import Synchronization
import Testing
import TresorCore
import TresorDaemon
import TresorEngine
import TresorTestSupport

/// The controller in process on the local vault, with a clock that stands still and whose
/// sleeps never end: what it schedules (drift resync, backoff) is checked without waiting.
struct DaemonControllerTests {
    final class RecordingClock: Sendable {
        let sleeps = Mutex<[Duration]>([])

        var clock: DaemonClock {
            DaemonClock(
                now: { .zero },
                sleep: { [self] duration in
                    self.sleeps.withLock { $0.append(duration) }
                    try await Task.sleep(for: .seconds(86_400))
                },
                date: { Date() }, random: { 0.5 })
        }
    }

    func manifests(vault: String) -> String {
        """
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: loc}
        spec: {provider: {local: {path: \(vault)}}, rateLimit: {qps: 1000, burst: 100}}
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: Secret
        metadata: {name: good}
        spec:
          type: apiKey
          vaultProfile: loc
          refreshInterval: 5m
          content: {content: {generate: {length: 24}}}
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: Secret
        metadata: {name: broken}
        spec:
          type: apiKey
          vaultProfile: loc
          content: {content: {fromEnv: TRESOR_TEST_VARIABLE_THAT_IS_NOT_SET}}

        """
    }

    @Test func schedulesDriftResyncFromRefreshIntervalAndBacksOffFailures() async throws {
        let root = FileManager.default.temporaryDirectory.path + "/tresor-controller-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/m", withIntermediateDirectories: true)
        try manifests(vault: root + "/vault").write(toFile: root + "/m/all.yaml", atomically: true, encoding: .utf8)
        let recording = RecordingClock()
        let metrics = DaemonMetrics()
        let health = DaemonHealth()
        let controller = try DaemonController(
            configuration: DaemonConfiguration(paths: [root + "/m"], stateDirectory: root + "/state", workers: 2, environment: [:]),
            clock: recording.clock, metrics: metrics, health: health,
            logger: DaemonLogging.logger("test", format: .text, level: .critical))
        try await controller.start()
        // The first pass starts while the whole test run starts its servers, which has taken
        // close to a minute on a loaded 2-core machine: the bound tells a hang from that.
        try await eventually("the first full pass", timeout: .seconds(300)) { health.isReady }
        try await eventually("both timers") { await controller.nextPasses().count == 2 }
        // refreshInterval 5m with the jitter draw in the middle; the first backoff is 1 s
        // less the jitter's half share.
        #expect(await controller.nextPasses() == ["broken": .milliseconds(900), "good": .seconds(300)])
        try await eventually("the timers sleeping until the earliest") { recording.sleeps.withLock { $0.last } == .milliseconds(900) }
        await controller.stop()
        await controller.waitForWorkers()
        #expect(await controller.nextPasses().isEmpty, "stopping cancels every timer")
        let metricsText = try PrometheusText(metrics.exposition())
        #expect(try metricsText.value("tresor_secrets_backing_off") == 1)
        #expect(try metricsText.value("tresor_reconciles_total", ["result": "failure"]) == 1)
        #expect(try metricsText.value("tresor_reconciles_total", ["result": "success"]) == 1)
        #expect(try metricsText.value("tresor_secrets", ["state": "active"]) == 1)
        let store = try StateStore(root: root + "/state")
        #expect(try store.readStatus("broken")?.state == .failed)
        #expect(try store.readStatus("good")?.versions.count == 1)
    }

    @Test func rateLimiterMakesPassesOverALimitedProfileWait() async throws {
        let now = Mutex(Duration.zero)
        let clock = DaemonClock(now: { now.withLock { $0 } }, sleep: { _ in }, date: { Date() }, random: { 0 })
        let limiter = RateLimiter(clock: clock)
        let result = ManifestLoader().load([
            ManifestFile(
                path: "/m.yaml",
                bytes: Array(
                    """
                    apiVersion: tresor.dev/v1alpha1
                    kind: VaultProfile
                    metadata: {name: slow}
                    spec: {provider: {local: {}}, rateLimit: {qps: 2, burst: 1}}
                    ---
                    apiVersion: tresor.dev/v1alpha1
                    kind: VaultProfile
                    metadata: {name: free}
                    spec: {provider: {local: {}}}

                    """.utf8))
        ])
        try #require(result.isValid, "\(result.errors)")
        await limiter.configure(result.state.vaultProfiles)
        #expect(await limiter.reserve(["slow"]) == .zero)
        #expect(await limiter.reserve(["slow", "free"]) == .milliseconds(500))
        #expect(await limiter.reserve(["free"]) == .zero)
        now.withLock { $0 = .seconds(10) }
        #expect(await limiter.reserve(["slow"]) == .zero)
    }
}
