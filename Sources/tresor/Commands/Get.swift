import ArgumentParser
import Foundation
import TresorCore
import TresorEngine

extension Tresor {
    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List secrets, vaultprofiles or open approval requests from the state directory.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "secrets, vaultprofiles or approvals.") var resource: Resource
        @Option(name: .shortAndLong, help: "Output: table, json or yaml.") var output: Format = .table
        @Flag(name: .shortAndLong, help: "Also list secrets removed from the manifests (deleted or released); their history is kept.")
        var all = false

        enum Resource: String, ExpressibleByArgument, CaseIterable {
            case secrets, secret, vaultprofiles, vaultprofile, approvals
        }

        enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, yaml }

        func run() throws {
            let store = global.readingStore()
            let (statuses, damaged) = store.readAllStatuses()

            let shown = all ? statuses : statuses.filter { !$0.state.isRemoved }
            switch resource {
            case .secrets, .secret:
                let statuses = shown
                switch output {
                case .table: print(StatusTables.secrets(statuses), terminator: "")
                case .json: print(try StatusTables.json(statuses))
                case .yaml: print(try statuses.map { try StatusCoding.encode($0) }.joined(separator: "---\n"), terminator: "")
                }
            case .vaultprofiles, .vaultprofile:
                let rows = StatusTables.profileUsage(shown)
                switch output {
                case .table: print(StatusTables.profiles(rows), terminator: "")
                case .json: print(try StatusTables.json(rows))
                case .yaml: print(try StatusCoding.encode(rows), terminator: "")
                }
            case .approvals:
                let requests: [ApprovalRequest]
                do {
                    requests = try ApprovalService(stateStore: store).open(now: Date())
                } catch {
                    fail("\(error)")
                }
                switch output {
                case .table: print(ApprovalTables.table(requests), terminator: "")
                case .json: print(try StatusTables.json(requests))
                case .yaml: print(try StatusCoding.encode(requests), terminator: "")
                }
            }
            // The others are listed; each damaged status file is named, and the command fails.
            guard damaged.isEmpty || resource == .approvals else {
                var standardError = StandardError()
                for file in damaged { print("damaged: \(file.problem)", to: &standardError) }
                throw ExitCode(1)
            }
        }
    }
}
