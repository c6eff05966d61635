import ArgumentParser
import TresorCore

@main
struct Tresor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tresor",
        abstract: "Declarative secrets reconciler: YAML manifests in, vaults converged.",
        discussion: """
            Exit codes: 0 ok, 1 invalid input or failed operation, 2 changes pending (plan), \
            3 blocked by approval or compliance (apply).
            """,
        version: BuildInfo.line,
        subcommands: [
            Validate.self, Plan.self, Apply.self, Run.self, Get.self, Describe.self, Versions.self, Read.self,
            Approve.self, Reject.self, Approvals.self, Compliance.self, Seal.self, Keys.self, Reseal.self, Audit.self, State.self,
            Events.self, Reconcile.self, Suspend.self, Resume.self, Completion.self, Manual.self,
        ]
    )

    /// As kubectl and git print it.
    static var _errorPrefix: String { "error: " }
}
