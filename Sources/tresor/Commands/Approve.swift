import ArgumentParser
import Foundation
import TresorEngine

/// The options `approve` and `reject` share.
struct DecisionOptions: ParsableArguments {
    @Argument(help: "The secret's name.") var name: String
    @Option(help: "The request id (default: the secret's current request).") var request: String?
    @Option(name: .customLong("as"), help: "Your identity (one of the approval profile's approvers).") var identity: String
    @Option(help: "A comment for the audit log.") var comment: String?

    /// Records the decision and prints the outcome; exits 1 when it is refused.
    func record(_ verdict: ApprovalDecision.Verdict, global: GlobalOptions) {
        let decided: ApprovalRequest
        do {
            let store = try StateStore(root: StateDirectory.path(global.stateDir))
            decided = try ApprovalService(stateStore: store).decide(
                secret: name, requestID: request, verdict: verdict, identity: identity, comment: comment, now: Date())
        } catch {
            fail("\(error)")
        }
        let operation = decided.binding.operation.rawValue
        switch decided.state {
        case .approved:
            print("request \(decided.id) (\(operation) of \(decided.secret)) is approved by \(decided.approvals.joined(separator: ", ")); "
                + "the next apply (the daemon: its next pass) performs it")
        case .rejected:
            print("request \(decided.id) (\(operation) of \(decided.secret)) is rejected; nothing will be written for it")
        default:
            print("approval recorded: request \(decided.id) (\(operation) of \(decided.secret)) has "
                + "\(decided.approvals.count) of \(decided.policy.requiredApprovals) approvals")
        }
    }
}

extension Tresor {
    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a secret's pending request.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var decision: DecisionOptions

        func run() throws { decision.record(.approve, global: global) }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a secret's pending request (one rejection rejects it).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var decision: DecisionOptions

        func run() throws { decision.record(.reject, global: global) }
    }
}
