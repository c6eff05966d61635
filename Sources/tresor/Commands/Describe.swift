import ArgumentParser
import TresorCore
import TresorEngine

extension Tresor {
    struct Describe: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a secret's state, conditions, versions, targets and last events, or which secrets a vault profile holds.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "secret or vaultprofile") var resource: Resource
        @Argument(help: "The secret's or vault profile's name.") var name: String
        @Option(name: .shortAndLong, help: "Output: text, json or yaml.") var output: Format = .text

        enum Resource: String, ExpressibleByArgument, CaseIterable { case secret, vaultprofile }
        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, yaml }

        func run() throws {
            switch resource {
            case .secret:
                let status = try loadStatus(global: global, name: name)
                switch output {
                case .text:
                    let events = EventLog.read(global.readingStore()).filter { $0.secret == name }
                    var text = StatusTables.describe(status)
                    if let suspension = Suspensions(store: global.readingStore()).entry(name) {
                        text += "\nSuspended:     since \(StatusCoding.formatDate(suspension.since)) by \(suspension.by)"
                            + (suspension.reason.map { " (\($0))" } ?? "") + "; the daemon leaves it alone until `tresor resume \(name)`\n"
                    }
                    print(text + StatusTables.recentEvents(events), terminator: "")
                case .json: print(try StatusTables.json(status))
                case .yaml: print(try StatusCoding.encode(status), terminator: "")
                }
            case .vaultprofile:
                let store = global.readingStore()
                guard let profile = StatusTables.profileDescription(name, statuses: store.readAllStatuses().0) else {
                    throw notFound("vaultprofile", name, in: store)
                }
                switch output {
                case .text: print(StatusTables.describe(profile), terminator: "")
                case .json: print(try StatusTables.json(profile))
                case .yaml: print(try StatusCoding.encode(profile), terminator: "")
                }
            }
        }
    }

    struct Versions: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a secret's versions.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The secret's name.") var name: String
        @Option(name: .shortAndLong, help: "Output: table or json.") var output: Format = .table

        enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

        func run() throws {
            let status = try loadStatus(global: global, name: name)
            print(output == .json ? try StatusTables.json(status.versions) : StatusTables.versions(status.versions), terminator: output == .json ? "\n" : "")
        }
    }
}

func loadStatus(global: GlobalOptions, name: String) throws -> SecretStatus {
    do {
        let store = global.readingStore()
        guard let status = try store.readStatus(name) else {
            throw CommandFailure("no status for Secret \(ObjectNames.quoted(name)) in \(store.location); run `tresor apply` first, or check --state-dir")
        }
        return status
    } catch {
        throw CommandFailure("\(error)")
    }
}
