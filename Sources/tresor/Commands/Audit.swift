import ArgumentParser
import Foundation
import TresorCore
import TresorEngine

extension Tresor {
    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check the audit log.", subcommands: [Verify.self])

        struct Verify: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Check the audit log's hash chain; name the first line that breaks it. Exit 0 intact, 1 broken.")

            @OptionGroup var global: GlobalOptions

            func run() throws {
                let etcd = global.etcd.store()
                let path = etcd.map { "\($0.location): \($0.auditPrefix)" } ?? StateDirectory.path(global.stateDir) + "/audit.log"
                let check: AuditChain.LogCheck
                do {
                    check = try etcd.map { try AuditChain.verify(in: $0) } ?? AuditChain.verifyLog(at: path)
                } catch {
                    throw CommandFailure("cannot read \(path): \(error)")
                }
                if let problem = check.problem {
                    throw CommandFailure(etcd == nil ? "\(StateDirectory.path(global.stateDir))/\(problem)" : "\(path): \(problem)")
                }
                let files = check.files.count > 1 ? " in \(check.files.count) files" : ""
                var line = "\(path): \(check.lines) lines\(files), the chain holds"
                if check.unchained > 0 { line += " (the first \(check.unchained) were written before the chain and are not covered)" }
                print(line)
                if let note = check.note { print("note: \(note)") }
            }
        }
    }
}
