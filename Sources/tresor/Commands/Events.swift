import ArgumentParser
import Foundation
import TresorCore
import TresorEngine

extension Tresor {
    struct Events: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What happened, from the audit log: time, secret, operation, target, outcome, message.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "Only this secret's events.") var name: String?
        @Option(help: "Only events newer than this (30s, 15m, 1h, 2d).") var since: String?
        @Flag(name: [.customShort("w"), .customLong("watch")], help: "Keep printing new events as they are written (Ctrl-C ends).")
        var watch = false

        func validate() throws {
            if let since, Period(since) == nil { throw ValidationError("--since '\(since)' is not a duration; write e.g. 30s, 15m, 1h or 2d") }
        }

        func run() throws {
            let store = global.readingStore()
            let cutoff = since.flatMap(Period.init).map { Date().addingTimeInterval(-TimeInterval($0.seconds)) }
            func wanted(_ event: AuditEvent) -> Bool {
                (name == nil || event.secret == name) && (cutoff.map { event.time >= $0 } ?? true)
            }
            let events = EventLog.read(store)
            // Written straight to the descriptor: a pipe (`events -w | grep`) sees each line at once.
            FileHandle.standardOutput.write(Data(EventLog.table(events.filter(wanted)).utf8))
            guard watch else { return }
            var seen = events.count
            // The audit log only grows (a torn last line is cut before the next append), so
            // the events past the count already shown are the new ones.
            while true {
                Thread.sleep(forTimeInterval: 0.25)
                let now = EventLog.read(store)
                guard now.count > seen else { continue }
                for event in now[seen...] where wanted(event) {
                    FileHandle.standardOutput.write(Data((EventLog.line(event) + "\n").utf8))
                }
                seen = now.count
            }
        }
    }
}
