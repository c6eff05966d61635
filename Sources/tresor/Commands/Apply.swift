import ArgumentParser
import Foundation
import TresorEngine

extension Tresor {
    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Converge the vaults on the manifests. Exit 0 converged, 1 error, 3 blocked.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var manifests: ManifestOptions
        @OptionGroup var sealing: SealingKeyOptions
        @Flag(help: "Allow a run that removes more than the mass-delete threshold.") var allowMassDelete = false
        @Option(
            name: .customLong("as"),
            help: "Identity recorded as the actor in the audit log and as the requester of approvals (default: the tresor.dev/requested-by annotation, else user:$USER).")
        var identity: String?
        @Option(name: .shortAndLong, help: "Output: text or json.") var output: Plan.Format = .text
        @Flag(name: .shortAndLong, help: "Also list targets with nothing to do.") var verbose = false

        func run() async throws {
            let actor = identity ?? ProcessInfo.processInfo.environment["USER"].map { "user:\($0)" } ?? "cli"
            let workspace = try Workspace.open(
                global: global, manifests: manifests, sealing: sealing, options: Engine.Options(
                    actor: actor, allowMassDelete: allowMassDelete,
                    requester: identity.map { .identity($0) } ?? .annotation(default: actor)))
            let lock: StateLock
            do {
                lock = try workspace.store.lock()
            } catch {
                fail("\(error)")
            }
            let report = try await workspace.engine.apply(
                workspace.desired, now: Date(), progress: Progress().callback("applying"))
            withExtendedLifetime(lock) {}
            let rendered = PlanReport(report, verbose: verbose)
            print(output == .json ? rendered.json() : rendered.text(applied: true), terminator: "")
            if report.refusal != nil || report.failures > 0 { throw ExitCode(1) }
            // Held by approval or by enforcement (compliance deny): not an error, it waits.
            if !report.heldForApproval.isEmpty || report.plans.contains(where: \.isBlocked) { throw ExitCode(3) }
        }
    }
}
