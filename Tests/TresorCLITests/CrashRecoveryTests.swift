import Foundation
import Testing
import TresorCore

/// Kills `tresor apply` with SIGKILL at random moments while it writes 200 secrets to a
/// source and a sync profile, then checks that a rerun converges every time, that the
/// status files are whole, and that versions are consecutive without duplicates.
@Suite struct CrashRecoveryTests {
    static let count = 200

    func manifests(round: Int) -> String {
        var text = profilesYAML
        for index in 0..<Self.count {
            // Each round changes a different third of the values; a tenth are generated.
            let generation = (index % 3 == round % 3) ? round : max(0, round - 1)
            text += secretYAML("s\(index)", value: "crash-value-\(index)-r\(generation)", generated: index % 10 == 0)
        }
        return text
    }

    @Test func applyKilledAtRandomMomentsConvergesWithoutLostOrDuplicatedVersions() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        var generator = SystemRandomNumberGenerator()
        var killedWhileRunning = 0
        for round in 0..<10 {
            try cli.write(manifests(round: round), to: "m/all.yaml")
            let delay = Duration.milliseconds(Int.random(in: 20...700, using: &generator))
            if try await cli.runAndKill(["apply", "-f", "m", "--state-dir", "state"], after: delay) { killedWhileRunning += 1 }
            try checkStatusFilesAreWhole(cli)
            let rerun = try await cli.run(["apply", "-f", "m", "--state-dir", "state"])
            #expect(rerun.status == 0, "round \(round): \(rerun.stdout.suffix(500))\(rerun.stderr.suffix(500))")
            let plan = try await cli.run(["plan", "-f", "m", "--state-dir", "state"])
            #expect(plan.status == 0, "round \(round) did not converge: \(plan.stdout.suffix(800))")
            try checkVersions(cli)
        }
        #expect(killedWhileRunning > 0, "no kill landed while apply was running; the test proved nothing")
    }

    func statuses(_ cli: CLI) throws -> [SecretStatus] {
        try cli.statusFiles().sorted { $0.key < $1.key }.map { try StatusCoding.decode(SecretStatus.self, from: $0.value) }
    }

    func checkStatusFilesAreWhole(_ cli: CLI) throws {
        // Decoding fails on a torn file.
        _ = try statuses(cli)
    }

    func checkVersions(_ cli: CLI) throws {
        let all = try statuses(cli)
        #expect(all.count == Self.count)
        for status in all {
            let numbers = status.versions.map(\.number)
            #expect(numbers == Array(1...max(1, numbers.count)), "\(status.name): versions \(numbers) are not consecutive")
            for (earlier, later) in zip(status.versions, status.versions.dropFirst()) {
                #expect(earlier.fingerprint != later.fingerprint, "\(status.name): two consecutive versions hold the same content")
            }
            let latest = status.latestVersion?.fingerprint
            #expect(latest != nil)
            #expect(status.targets["main"]?.fingerprint == latest, "\(status.name): source differs from the latest version")
            #expect(status.targets["copy"]?.fingerprint == latest, "\(status.name): sync target differs from the latest version")
        }
    }
}
