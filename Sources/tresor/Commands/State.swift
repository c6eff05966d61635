import ArgumentParser
import Foundation
import TresorEngine

extension Tresor {
    struct State: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move the state between stores.", subcommands: [Migrate.self])

        struct Migrate: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Copy the state (statuses, inventory, approvals, rules in force, audit log, keys) from a state directory into etcd, or back.",
                discussion: """
                    tresor state migrate --from-state-dir DIR --etcd-endpoints URL[,URL…] [--etcd-prefix /tresor]
                    tresor state migrate --etcd-endpoints URL[,URL…] [--etcd-prefix /tresor] --to-state-dir DIR
                    The target must be empty: nothing is ever overwritten. Stop the daemons first.
                    """)

            @OptionGroup var global: GlobalOptions
            @Option(help: "The state directory to copy into etcd.") var fromStateDir: String?
            @Option(help: "The empty state directory to copy the etcd state into.") var toStateDir: String?

            func validate() throws {
                guard global.etcd.endpointList != nil else { throw ValidationError("name the etcd cluster with --etcd-endpoints") }
                guard (fromStateDir == nil) != (toStateDir == nil) else {
                    throw ValidationError("give exactly one of --from-state-dir (into etcd) and --to-state-dir (out of etcd)")
                }
            }

            func run() throws {
                guard let etcd = global.etcd.store() else { throw CommandFailure("name the etcd cluster with --etcd-endpoints") }
                do {
                    if let fromStateDir {
                        report(try StateMigration.copy(from: fromStateDir, to: etcd), from: fromStateDir, to: etcd.location)
                    } else if let toStateDir {
                        report(try StateMigration.copy(from: etcd, to: toStateDir), from: etcd.location, to: toStateDir)
                    }
                } catch {
                    throw CommandFailure("\(error)")
                }
            }

            func report(_ summary: StateMigration.Summary, from source: String, to target: String) {
                print("copied \(summary.statuses) statuses\(summary.inventory ? ", the inventory" : "")"
                    + "\(summary.fingerprintKey ? " and the fingerprint key" : ""); \(summary.records.approvals) approval records"
                    + "\(summary.records.rules ? ", the rules in force" : "")\(summary.records.approvalKey ? ", the approvals key" : "")"
                    + " and \(summary.records.auditLines) audit lines; from \(source) to \(target)")
            }
        }
    }
}
