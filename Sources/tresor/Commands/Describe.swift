import ArgumentParser
import TresorCore
import TresorEngine

extension Tresor {
    struct Describe: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a secret's state, conditions, versions and targets.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "secret") var resource: Resource
        @Argument(help: "The secret's name.") var name: String

        enum Resource: String, ExpressibleByArgument, CaseIterable { case secret }

        func run() throws {
            print(StatusTables.describe(try loadStatus(global: global, name: name)), terminator: "")
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
            fail("no status for Secret \(ObjectNames.quoted(name)) in \(store.location); run `tresor apply` first, or check --state-dir")
        }
        return status
    } catch {
        fail("\(error)")
    }
}
