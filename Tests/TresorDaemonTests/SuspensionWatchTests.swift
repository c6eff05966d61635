import Foundation
import Synchronization
import Testing
import TresorEngine
import TresorTestSupport

@testable import TresorDaemon

/// The watch hands over resumed secrets; it must also know of a suspension it never read
/// itself (a suspend and a resume between two of its reads) once a pass found it.
struct SuspensionWatchTests {
    final class Resumed: Sendable {
        let names = Mutex<[String]>([])
    }

    @Test func aSecretAPassLeftAloneIsHandedOverOnResumeThoughTheWatchNeverReadItsSuspension() async throws {
        let directory = FileManager.default.temporaryDirectory.path + "/tresor-suspension-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let suspensions = Suspensions(stateDirectory: directory)
        let resumed = Resumed()
        let watch = try SuspensionWatch(suspensions) { names in resumed.names.withLock { $0 += names } }
        defer { watch.stop() }
        // A pass found `db` suspended; the watch itself never read that.
        watch.noteSuspended("db")
        // Another secret's resume writes the file: the watch reads it and finds `db` gone too.
        try suspensions.set("other", nil)
        try await eventually("db to be handed over as resumed") { resumed.names.withLock { $0 } == ["db"] }
    }
}
