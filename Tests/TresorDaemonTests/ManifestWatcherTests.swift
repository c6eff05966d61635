import Foundation
import Synchronization
import Testing
@testable import TresorDaemon

/// The inotify watcher on a real directory: edits, rename-on-save, new directories and
/// deletions are each noticed; files that are not manifests are not.
struct ManifestWatcherTests {
    final class Counter: Sendable {
        let value = Mutex(0)
        var count: Int { value.withLock { $0 } }
    }

    func withWatcher(_ body: (String, Counter) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.path + "/tresor-watch-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory + "/team", withIntermediateDirectories: true)
        try "a: 1\n".write(toFile: directory + "/team/a.yaml", atomically: false, encoding: .utf8)
        let counter = Counter()
        let watcher = try ManifestWatcher(paths: [directory]) { _ in counter.value.withLock { $0 += 1 } }
        watcher.start()
        do {
            try await body(directory, counter)
        } catch {
            watcher.stop()
            throw error
        }
        watcher.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func changes(_ counter: Counter, after action: () throws -> Void) async throws {
        let before = counter.count
        try action()
        try await eventually("the watcher to notice", timeout: .seconds(30)) { counter.count > before }
    }

    @Test func seesEditsRenameOnSaveNewDirectoriesAndDeletions() async throws {
        try await withWatcher { directory, counter in
            try await changes(counter) { try "a: 2\n".write(toFile: directory + "/team/a.yaml", atomically: false, encoding: .utf8) }
            // Rename-on-save: the editor writes a temporary file and renames it over.
            try await changes(counter) { try "a: 3\n".write(toFile: directory + "/team/a.yaml", atomically: true, encoding: .utf8) }
            try await changes(counter) { try FileManager.default.createDirectory(atPath: directory + "/new", withIntermediateDirectories: true) }
            // A file in the directory that appeared after the start.
            try await changes(counter) { try "b: 1\n".write(toFile: directory + "/new/b.yml", atomically: false, encoding: .utf8) }
            try await changes(counter) { try FileManager.default.removeItem(atPath: directory + "/team/a.yaml") }
        }
    }

    @Test(arguments: [
        ("a.yaml", true), ("b.yml", true), ("..data", true), ("notes.txt", false), (".a.yaml.swp", false),
        (".hidden.yaml", false), ("a.yaml~", false), ("4913", false),
    ])
    func countsOnlyManifestNames(name: String, counts: Bool) {
        #expect(ManifestWatcher.isManifestName(name) == counts)
    }
}
