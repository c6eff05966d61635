import ArgumentParser
import Foundation
import TresorCore
import TresorEngine

extension Tresor {
    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List secrets, vaultprofiles or open approval requests from the state directory.",
            discussion: "`get secret NAME` shows one; `-l` selects by label as kubectl does (team=payments,env!=dev,'env in (a,b)').")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "secrets, vaultprofiles or approvals.") var resource: Resource
        @Argument(help: "Only this one (a secret or vault profile name).") var name: String?
        @Option(name: .shortAndLong, help: "Output: table, wide, name, json or yaml.") var output: Format = .table
        @Option(name: [.customShort("l"), .customLong("selector")], help: "Label selector for secrets: k=v, k!=v, 'k in (a,b)', 'k notin (a,b)', k, !k; comma means and.")
        var selector: String?
        @Flag(name: .shortAndLong, help: "Also list secrets removed from the manifests (deleted or released); their history is kept.")
        var all = false

        enum Resource: String, ExpressibleByArgument, CaseIterable {
            case secrets, secret, vaultprofiles, vaultprofile, approvals
        }

        enum Format: String, ExpressibleByArgument, CaseIterable { case table, wide, name, json, yaml }

        func validate() throws {
            if selector != nil, resource != .secrets, resource != .secret {
                throw ValidationError("-l selects secrets by their labels; vault profiles and approvals carry none here")
            }
            if name != nil, selector != nil { throw ValidationError("give a name or -l SELECTOR, not both") }
        }

        func run() throws {
            let parsedSelector: LabelSelector?
            do {
                parsedSelector = try selector.map { try LabelSelector(parsing: $0) }
            } catch {
                throw CommandFailure("\(error)")
            }
            let store = global.readingStore()
            let (statuses, damaged) = store.readAllStatuses()

            let shown = all || name != nil ? statuses : statuses.filter { !$0.state.isRemoved }
            switch resource {
            case .secrets, .secret:
                var selected = shown.filter { status in parsedSelector.map { $0.matches(status.labels ?? [:]) } ?? true }
                if let name {
                    selected = selected.filter { $0.name == name }
                    if selected.isEmpty { throw notFound("secret", name, in: store) }
                }
                switch output {
                case .table: print(StatusTables.secrets(selected), terminator: "")
                case .wide: print(StatusTables.secretsWide(selected), terminator: "")
                case .name: print(StatusTables.names(kind: "secret", selected.map(\.name)), terminator: "")
                case .json: print(name == nil ? try StatusTables.json(selected) : try StatusTables.json(selected[0]))
                case .yaml: print(try selected.map { try StatusCoding.encode($0) }.joined(separator: "---\n"), terminator: "")
                }
            case .vaultprofiles, .vaultprofile:
                var rows = StatusTables.profileUsage(shown)
                if let name {
                    rows = rows.filter { $0.name == name }
                    if rows.isEmpty { throw notFound("vaultprofile", name, in: store) }
                }
                switch output {
                case .table, .wide: print(StatusTables.profiles(rows), terminator: "")
                case .name: print(StatusTables.names(kind: "vaultprofile", rows.map(\.name)), terminator: "")
                case .json: print(try StatusTables.json(rows))
                case .yaml: print(try StatusCoding.encode(rows), terminator: "")
                }
            case .approvals:
                var requests: [ApprovalRequest]
                do {
                    requests = try ApprovalService(stateStore: store).open(now: Date())
                } catch {
                    throw CommandFailure("\(error)")
                }
                if let name { requests = requests.filter { $0.secret == name } }
                switch output {
                case .table, .wide: print(ApprovalTables.table(requests), terminator: "")
                case .name: print(StatusTables.names(kind: "approval", requests.map(\.id)), terminator: "")
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

/// `kubectl get`'s not-found, with where tresor looked.
func notFound(_ kind: String, _ name: String, in store: StateStore) -> CommandFailure {
    CommandFailure("\(kind) \(ObjectNames.quoted(name)) not found in \(store.location); check the name (`tresor get \(kind)s`) or --state-dir")
}
