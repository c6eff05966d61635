import ArgumentParser
import Foundation
import TresorEngine

extension Tresor {
    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Converge the vaults on the manifests. Exit 0 converged, 1 error, 3 blocked.",
            discussion: "With --plan FILE (from `tresor plan --out FILE`) it applies exactly that plan, and refuses, naming what changed, if the manifests, the state or the vaults moved since.")

        @OptionGroup var global: GlobalOptions
        // Not ManifestOptions: with --plan the manifest paths come from the saved plan.
        @Option(name: [.customShort("f"), .customLong("filename")], help: "Manifest file or directory (repeatable); - reads standard input.")
        var paths: [String] = []
        @OptionGroup var sealing: SealingKeyOptions
        @OptionGroup var scope: ScopeOptions
        @Flag(help: "Allow a run that removes more than the mass-delete threshold.") var allowMassDelete = false
        @Option(
            name: .customLong("as"),
            help: "Identity recorded as the actor in the audit log and as the requester of approvals (default: the tresor.dev/requested-by annotation, else user:$USER).")
        var identity: String?
        @Option(name: .customLong("plan"), help: "Apply exactly this saved plan (`tresor plan --out FILE`).") var planFile: String?
        @Option(name: .shortAndLong, help: "Output: text or json.") var output: Plan.Format = .text
        @Flag(name: .shortAndLong, help: "Also list targets with nothing to do.") var verbose = false
        @Flag(name: .shortAndLong, help: "Print only the summary and errors.") var quiet = false

        func validate() throws {
            if paths.isEmpty && planFile == nil { throw ValidationError("name the manifests with -f FILE_OR_DIRECTORY") }
            if planFile != nil, scope.isScoped { throw ValidationError("a saved plan keeps the -l/--target scope it was made with; drop them here") }
        }

        func run() async throws {
            let saved = try planFile.map(Self.readPlan)
            var manifests = ManifestOptions()
            manifests.paths = paths.isEmpty ? saved?.manifests ?? [] : paths
            let actor = identity ?? ProcessInfo.processInfo.environment["USER"].map { "user:\($0)" } ?? "cli"
            let workspace = try Workspace.open(
                global: global, manifests: manifests, sealing: sealing, options: Engine.Options(
                    actor: actor, allowMassDelete: allowMassDelete || saved?.allowMassDelete == true,
                    requester: identity.map { .identity($0) } ?? .annotation(default: actor)),
                scope: saved.map { saved in { _, _ in saved.scope.map(Set.init) } } ?? scope.names)
            let lock: StateLock
            do {
                lock = try workspace.store.lock()
            } catch {
                throw CommandFailure("\(error)")
            }
            if let saved { try await Self.check(saved, file: planFile ?? "", against: workspace) }
            let report = try await workspace.engine.apply(
                workspace.desired, now: Date(), progress: Progress(quiet: quiet).callback("applying"))
            withExtendedLifetime(lock) {}
            KeptUntilExit.keep(workspace, report)
            let rendered = PlanReport(report, verbose: verbose)
            switch output {
            case .json: print(rendered.json(), terminator: "")
            case .text:
                let text = rendered.text(applied: true)
                print(quiet ? PlanReport.quiet(text) : Terminal.colour(text), terminator: "")
            }
            if report.refusal != nil || report.failures > 0 { throw ExitCode(1) }
            // Held by approval or by enforcement (compliance deny): not an error, it waits.
            if !report.heldForApproval.isEmpty || !report.heldRuleChanges.isEmpty || report.plans.contains(where: \.isBlocked) {
                throw ExitCode(3)
            }
        }

        static func readPlan(_ path: String) throws -> SavedPlan {
            guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("cannot read the saved plan \(path)") }
            do {
                return try SavedPlan.decode(data)
            } catch {
                throw CommandFailure("\(path) is not a saved tresor plan (\(error)); make one with `tresor plan -f DIR --out \(path)`")
            }
        }

        /// Plans again, under the state lock, and refuses unless everything the saved plan
        /// was bound to is unchanged.
        static func check(_ saved: SavedPlan, file: String, against workspace: Workspace) async throws {
            let report = try await workspace.engine.plan(workspace.desired, now: Date())
            let current = SavedPlan(
                createdAt: Date(), manifests: saved.manifests, manifestDigests: workspace.manifestDigests,
                stateDigests: SavedPlan.stateDigests(workspace.store, secrets: saved.planDigests.keys.sorted()),
                planDigests: SavedPlan.planDigests(report), scope: saved.scope, allowMassDelete: saved.allowMassDelete, text: "")
            let differences = saved.differences(from: current)
            guard !differences.isEmpty else { return }
            var standardError = StandardError()
            print("error: the saved plan \(file) no longer matches; nothing was changed:", to: &standardError)
            for line in differences { print("  \(line)", to: &standardError) }
            print("Make a new plan with `tresor plan -f … --out \(file)`, review it, and apply that.", to: &standardError)
            throw ExitCode(1)
        }
    }
}
