import ArgumentParser
import Foundation
import TresorEngine

extension Tresor {
    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what apply would change. Exit 0 nothing to do, 2 changes pending, 1 error.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var manifests: ManifestOptions
        @OptionGroup var sealing: SealingKeyOptions
        @Option(name: .shortAndLong, help: "Output: text or json.") var output: Format = .text
        @Flag(name: .shortAndLong, help: "Also list targets with nothing to do.") var verbose = false

        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

        func run() async throws {
            let workspace = try Workspace.open(global: global, manifests: manifests, sealing: sealing, readOnly: true)
            let report = try await workspace.engine.plan(
                workspace.desired, now: Date(), progress: Progress().callback("planning"))
            let rendered = PlanReport(report, verbose: verbose)
            print(output == .json ? rendered.json() : rendered.text(), terminator: "")
            if report.refusal != nil || !report.failedSecrets.isEmpty { throw ExitCode(1) }
            if report.hasChanges { throw ExitCode(2) }
        }
    }
}
