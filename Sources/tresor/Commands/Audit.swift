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
                let path = StateDirectory.path(global.stateDir) + "/audit.log"
                let bytes: [UInt8]
                do {
                    bytes = try AtomicFile.readBytes(path)
                } catch {
                    fail("cannot read \(path): \(error)")
                }
                let result = AuditChain.verify(bytes)
                if let problem = result.problem {
                    fail("\(path): line \(problem.line) \(problem.reason)")
                }
                var line = "\(path): \(result.lines) lines, the chain holds"
                if result.unchained > 0 { line += " (the first \(result.unchained) were written before the chain and are not covered)" }
                print(line)
            }
        }
    }
}
