import Foundation
import Synchronization
import Testing
import TresorTestSupport
@testable import TresorDaemon

/// The inotify watcher on a real directory: edits, rename-on-save, new directories and
/// deletions are each noticed; files that are not manifests are not.
struct ManifestWatcherTests {
    /// Every change the watcher reported, merged.
    final class Seen: Sendable {
        let changes = Mutex(ManifestChanges())
        var now: ManifestChanges { changes.withLock { $0 } }
    }

    func withWatcher(_ body: (String, Seen) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.path + "/tresor-watch-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory + "/team", withIntermediateDirectories: true)
        try "a: 1\n".write(toFile: directory + "/team/a.yaml", atomically: false, encoding: .utf8)
        let seen = Seen()
        let watcher = try ManifestWatcher(paths: [directory]) { changes in seen.changes.withLock { $0.merge(changes) } }
        watcher.start()
        do {
            try await body(directory, seen)
        } catch {
            watcher.stop()
            throw error
        }
        watcher.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs `action` on a clean slate and waits until the watcher reports `expected`.
    func notices(_ seen: Seen, _ expected: ManifestChanges, after action: () throws -> Void) async throws {
        seen.changes.withLock { $0 = ManifestChanges() }
        try action()
        try await eventually("the watcher to report \(expected)", timeout: .seconds(30)) {
            let now = seen.now
            return now.files.isSuperset(of: expected.files) && (!expected.full || now.full)
        }
    }

    @Test func seesEditsRenameOnSaveNewDirectoriesAndDeletions() async throws {
        try await withWatcher { directory, seen in
            let file = directory + "/team/a.yaml"
            try await notices(seen, ManifestChanges(files: [file])) { try "a: 2\n".write(toFile: file, atomically: false, encoding: .utf8) }
            // Rename-on-save: the editor writes a temporary file and renames it over.
            try await notices(seen, ManifestChanges(files: [file])) { try "a: 3\n".write(toFile: file, atomically: true, encoding: .utf8) }
            try await notices(seen, ManifestChanges(full: true)) {
                try FileManager.default.createDirectory(atPath: directory + "/new", withIntermediateDirectories: true)
            }
            // A file in the directory that appeared after the start.
            try await notices(seen, ManifestChanges(files: [directory + "/new/b.yml"])) {
                try "b: 1\n".write(toFile: directory + "/new/b.yml", atomically: false, encoding: .utf8)
            }
            try await notices(seen, ManifestChanges(files: [file])) { try FileManager.default.removeItem(atPath: file) }
        }
    }

    /// Files that are not manifests, then a manifest: inotify reports events in order, so
    /// once the manifest is reported, the others would have been too.
    @Test func filesThatAreNotManifestsAreNotReported() async throws {
        try await withWatcher { directory, seen in
            let marker = directory + "/team/marker.yaml"
            try await notices(seen, ManifestChanges(files: [marker])) {
                for name in ["notes.txt", ".a.yaml.swp", "a.yaml~", "4913", ".hidden.yaml"] {
                    try "x\n".write(toFile: directory + "/team/" + name, atomically: false, encoding: .utf8)
                }
                try "m: 1\n".write(toFile: marker, atomically: false, encoding: .utf8)
            }
            #expect(seen.now == ManifestChanges(files: [marker]))
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
