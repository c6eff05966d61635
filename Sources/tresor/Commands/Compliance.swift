import ArgumentParser
import Foundation
import TresorCore
import TresorEngine

extension Tresor {
    struct Compliance: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report compliance over all secrets from status. Exit 0 compliant, 1 a secret is nok or failed.")

        @OptionGroup var global: GlobalOptions
        @Option(name: .shortAndLong, help: "Output: table, json, github (annotations) or junit (XML).") var output: Format = .table

        enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, github, junit }

        func run() throws {
            let statuses: [SecretStatus]
            do {
                statuses = try global.readingStore().allStatuses()
            } catch {
                throw CommandFailure("\(error)")
            }
            let report = ComplianceReport(statuses)
            switch output {
            case .table: print(report.table(), terminator: "")
            case .json: print(report.json(), terminator: "")
            case .github: print(report.github(), terminator: "")
            case .junit: print(report.junit(), terminator: "")
            }
            if report.hasViolations { throw ExitCode(1) }
        }
    }
}
