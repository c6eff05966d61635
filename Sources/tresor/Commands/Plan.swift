import ArgumentParser
import Foundation
import TresorCore
import TresorEngine

extension Tresor {
    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what apply would change. Exit 0 nothing to do, 2 changes pending, 1 error.",
            discussion: "A plan that would prune more than the mass-delete threshold still lists every deletion and says apply needs --allow-mass-delete.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var manifests: ManifestOptions
        @OptionGroup var sealing: SealingKeyOptions
        @OptionGroup var scope: ScopeOptions
        @Option(name: .shortAndLong, help: "Output: text or json.") var output: Format = .text
        @Flag(name: .shortAndLong, help: "Also list targets with nothing to do.") var verbose = false
        @Flag(name: .shortAndLong, help: "Print only the summary and errors.") var quiet = false
        @Flag(help: "Plan as `apply --allow-mass-delete` would run (no mass-delete note).") var allowMassDelete = false
        @Option(name: .customLong("out"), help: "Also save the redacted plan to FILE, for `tresor apply --plan FILE`.")
        var out: String?

        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

        func run() async throws {
            // A saved plan binds the fingerprints apply will compute: it needs the state's real
            // keys, made here on a fresh directory; a plan only to read writes nothing.
            let workspace = try Workspace.open(
                global: global, manifests: manifests, sealing: sealing, options: Engine.Options(allowMassDelete: allowMassDelete),
                scope: scope.names, readOnly: out == nil)
            let report = try await workspace.engine.plan(
                workspace.desired, now: Date(), progress: Progress(quiet: quiet).callback("planning"))
            KeptUntilExit.keep(workspace, report)
            let rendered = PlanReport(report, verbose: verbose)
            let text = rendered.text()
            switch output {
            case .json: print(rendered.json(), terminator: "")
            case .text: print(quiet ? PlanReport.quiet(text) : Terminal.colour(text), terminator: "")
            }
            if let out {
                let saved = SavedPlan(
                    createdAt: Date(), manifests: manifests.paths, manifestDigests: workspace.manifestDigests,
                    stateDigests: SavedPlan.stateDigests(workspace.store, secrets: report.plans.map(\.secret)),
                    planDigests: SavedPlan.planDigests(report), scope: workspace.engine.options.only?.sorted(),
                    allowMassDelete: allowMassDelete, text: text)
                do {
                    try AtomicFile.write(Array(try saved.encoded()), to: out)
                } catch {
                    throw CommandFailure("cannot save the plan to \(out): \(error)")
                }
                var standardError = StandardError()
                print("Saved the plan to \(out); apply exactly it with `tresor apply --plan \(out)`.", to: &standardError)
            }
            if report.refusal != nil || !report.failedSecrets.isEmpty { throw ExitCode(1) }
            if report.hasChanges { throw ExitCode(2) }
        }
    }
}
