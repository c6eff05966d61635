import ArgumentParser
import Foundation
import TresorCore
import TresorEngine

extension Tresor {
    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List secrets or vaultprofiles from the state directory.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "secrets or vaultprofiles.") var resource: Resource
        @Option(name: .shortAndLong, help: "Output: table, json or yaml.") var output: Format = .table

        enum Resource: String, ExpressibleByArgument, CaseIterable {
            case secrets, secret, vaultprofiles, vaultprofile, approvals
        }

        enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, yaml }

        func run() throws {
            let store: StateStore
            let statuses: [SecretStatus]
            do {
                store = try StateStore(root: StateDirectory.path(global.stateDir))
                statuses = try store.allStatuses()
            } catch {
                fail("\(error)")
            }
            switch resource {
            case .secrets, .secret:
                switch output {
                case .table: print(StatusTables.secrets(statuses), terminator: "")
                case .json: print(try StatusTables.json(statuses))
                case .yaml: print(try statuses.map { try StatusCoding.encode($0) }.joined(separator: "---\n"), terminator: "")
                }
            case .vaultprofiles, .vaultprofile:
                let rows = StatusTables.profileUsage(statuses)
                switch output {
                case .table: print(StatusTables.profiles(rows), terminator: "")
                case .json: print(try StatusTables.json(rows))
                case .yaml: print(try StatusCoding.encode(rows), terminator: "")
                }
            case .approvals:
                fail("approvals are not implemented yet")
            }
        }
    }
}
