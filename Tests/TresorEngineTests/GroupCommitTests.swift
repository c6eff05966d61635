import Foundation
import Synchronization
import Testing

@testable import TresorEngine

/// Writes made durable together: each group is synced before any of its files is
/// renamed, a failed sync fails its whole group and changes no file, and a failed rename
/// fails its own write alone.
@Suite struct GroupCommitTests {
    /// Every sync a `GroupCommit` asked for: the temporary files it was given (by their
    /// descriptors' paths), and what the target directory held at that moment.
    final class SyncLog: Sendable {
        struct Call {
            var temporaries: [String]
            var targetsPresent: [String]
        }
        let calls = Mutex<[Call]>([])
        let failure: String?
        let directory: String
        // Closed: the first sync waits until the test opens it, and the writers that
        // arrive meanwhile form the next group.
        let gate: Mutex<Bool>

        init(directory: String, failure: String? = nil, holdFirst: Bool = false) {
            self.directory = directory
            self.failure = failure
            gate = Mutex(holdFirst)
        }

        func sync(_ descriptors: [Int32]) -> String? {
            let first = calls.withLock { $0.isEmpty }
            let temporaries = descriptors.map { descriptor in
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(descriptor)")) ?? "?"
            }
            let present = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.contains(".tmp-") }.sorted()
            calls.withLock { $0.append(Call(temporaries: temporaries, targetsPresent: present)) }
            if first {
                while gate.withLock({ $0 }) { usleep(1000) }
            }
            return failure
        }

        func open() { gate.withLock { $0 = false } }
    }

    static func waitUntil(_ condition: () -> Bool) {
        while !condition() { usleep(1000) }
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func contents(_ path: String) -> String? {
        (try? AtomicFile.read(path)).flatMap { $0 }.map { String(decoding: $0, as: UTF8.self) }
    }

    static func leftovers(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.contains(".tmp-") }
    }

    @Test func writersThatArriveDuringASyncAreMadeDurableTogetherBeforeAnyIsRenamed() throws {
        let directory = try AtomicFileTests.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = SyncLog(directory: directory, holdFirst: true)
        let commits = GroupCommit(sync: log.sync)
        let first = Thread { try? commits.write(Self.bytes("first"), to: directory + "/a") }
        first.start()
        Self.waitUntil { log.calls.withLock { $0.count } == 1 }
        let done = Mutex(0)
        for name in ["b", "c", "d"] {
            Thread {
                try? commits.write(Self.bytes("new \(name)"), to: directory + "/\(name)")
                done.withLock { $0 += 1 }
            }.start()
        }
        Self.waitUntil { commits.waitingCount == 3 }
        log.open()
        Self.waitUntil { done.withLock { $0 } == 3 }

        let calls = log.calls.withLock { $0 }
        #expect(calls.count == 2, "one sync for the first write, one for the three that arrived during it")
        #expect(calls[0].temporaries.count == 1)
        #expect(calls[1].temporaries.count == 3)
        #expect(calls[1].temporaries.allSatisfy { $0.contains(".tmp-") }, "the group's own temporary files are synced")
        #expect(calls[1].targetsPresent == ["a"], "no file of a group is renamed into place before its sync")
        for name in ["b", "c", "d"] { #expect(Self.contents(directory + "/\(name)") == "new \(name)") }
        #expect(Self.contents(directory + "/a") == "first")
        #expect(Self.leftovers(directory).isEmpty)
    }

    /// More writing tasks than the cooperative pool has threads wait for one sync at once:
    /// a task waiting for its group holds no thread. Were it to, the later tasks could not
    /// write their files while the first sync is held: the gate is then opened after a
    /// minute, they trickle through one sync each, and the group count below fails.
    @Test func tasksWaitSuspendedForTheirGroupAndReturnWithTheirFileInPlace() async throws {
        let directory = try AtomicFileTests.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = SyncLog(directory: directory, holdFirst: true)
        let commits = GroupCommit(sync: log.sync)
        let names = (0..<4 * ProcessInfo.processInfo.activeProcessorCount).map { "t\($0)" }
        // A thread of its own opens the gate: the pool's threads may all be taken.
        Thread {
            let deadline = Date(timeIntervalSinceNow: 60)
            while commits.waitingCount < names.count, Date() < deadline { usleep(1000) }
            log.open()
        }.start()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await commits.write(Self.bytes("first"), to: directory + "/a") }
            while log.calls.withLock({ $0.isEmpty }) { await Task.yield() }
            for name in names {
                group.addTask {
                    try await commits.write(Self.bytes("new \(name)"), to: directory + "/\(name)")
                    #expect(Self.contents(directory + "/\(name)") == "new \(name)", "in place when the write returns")
                }
            }
            try await group.waitForAll()
        }
        let calls = log.calls.withLock { $0 }
        #expect(calls.map(\.temporaries.count) == [1, names.count], "the first write, then the rest as one group")
        #expect(calls.last?.targetsPresent == ["a"], "no file of the group is renamed into place before its sync")
        #expect(Self.leftovers(directory).isEmpty)
    }

    @Test func aFailedSyncFailsItsWholeGroupAndLeavesEveryFileAsItWas() throws {
        let directory = try AtomicFileTests.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try AtomicFile.write(Self.bytes("old a"), to: directory + "/a")
        let commits = GroupCommit(sync: SyncLog(directory: directory, failure: "Input/output error").sync)
        let errors = Mutex<[String]>([])
        let threads = ["a", "b", "c", "d"].map { name in
            Thread {
                do { try commits.write(Self.bytes("new \(name)"), to: directory + "/\(name)") } catch {
                    errors.withLock { $0.append("\(error)") }
                }
            }
        }
        threads.forEach { $0.start() }
        Self.waitUntil { errors.withLock { $0.count } == 4 }
        #expect(errors.withLock { $0 }.sorted() == ["a", "b", "c", "d"].map { "cannot write \(directory)/\($0): Input/output error" })
        #expect(Self.contents(directory + "/a") == "old a")
        for name in ["b", "c", "d"] { #expect(Self.contents(directory + "/\(name)") == nil) }
        #expect(Self.leftovers(directory).isEmpty)
    }

    @Test func aFailedRenameFailsItsOwnWriteAloneInItsGroup() throws {
        let directory = try AtomicFileTests.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A file cannot be renamed over a directory that holds something.
        try AtomicFile.makeDirectory(directory + "/taken/inside")
        let log = SyncLog(directory: directory, holdFirst: true)
        let commits = GroupCommit(sync: log.sync)
        Thread { try? commits.write(Self.bytes("first"), to: directory + "/a") }.start()
        Self.waitUntil { log.calls.withLock { $0.count } == 1 }
        let results = Mutex<[String: String]>([:])
        for name in ["b", "taken"] {
            Thread {
                do {
                    try commits.write(Self.bytes("new \(name)"), to: directory + "/\(name)")
                    results.withLock { $0[name] = "written" }
                } catch {
                    results.withLock { $0[name] = "\(error)" }
                }
            }.start()
        }
        Self.waitUntil { commits.waitingCount == 2 }
        log.open()
        Self.waitUntil { results.withLock { $0.count } == 2 }
        #expect(log.calls.withLock { $0.map(\.temporaries.count) } == [1, 2], "b and taken were one group")
        let outcome = results.withLock { $0 }
        #expect(outcome["b"] == "written")
        #expect(outcome["taken"]?.hasPrefix("cannot write \(directory)/taken: ") == true)
        #expect(Self.contents(directory + "/b") == "new b")
        #expect(Self.leftovers(directory).isEmpty)
    }

    @Test func manyWritersAtOnceEachLeaveTheirWholeFileAndNoTemporaryFiles() throws {
        let directory = try AtomicFileTests.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let commits = GroupCommit()
        let done = Mutex(0)
        let writers = 24
        let rounds = 20
        for writer in 0..<writers {
            Thread {
                for round in 0..<rounds {
                    // Each writer rewrites its own file, and all share one more.
                    let body = String(repeating: "w\(writer)r\(round);", count: 200)
                    try? commits.write(Self.bytes(body), to: directory + "/own-\(writer)")
                    try? commits.write(Self.bytes(body), to: directory + "/shared")
                }
                done.withLock { $0 += 1 }
            }.start()
        }
        Self.waitUntil { done.withLock { $0 } == writers }
        for writer in 0..<writers {
            #expect(Self.contents(directory + "/own-\(writer)") == String(repeating: "w\(writer)r\(rounds - 1);", count: 200))
        }
        let shared = try #require(Self.contents(directory + "/shared"))
        let lastRounds = (0..<writers).map { String(repeating: "w\($0)r\(rounds - 1);", count: 200) }
        #expect(lastRounds.contains(shared), "the shared file holds one writer's whole last write")
        #expect(Self.leftovers(directory).isEmpty)
    }
}
