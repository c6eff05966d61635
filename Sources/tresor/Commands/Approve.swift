import ArgumentParser
import Foundation
import TresorCore
import TresorEngine

/// The options `approve` and `reject` share.
struct DecisionOptions: ParsableArguments {
    @Argument(help: "The secret's name, or vaultprofile:NAME for a change that loosens a vault profile's rules.") var name: String
    @Option(help: "The request id (default: the secret's current request).") var request: String?
    @Option(
        name: .customLong("token-file"),
        help: "A file holding your approval-API token, which names you (or set TRESOR_APPROVAL_TOKEN).")
    var tokenFile: String?
    @Option(
        name: .customLong("approval-tokens"),
        help: "The tokens file that maps tokens to identities, as the daemon's (default: TRESOR_APPROVAL_TOKENS, else <state-dir>/approval-tokens).")
    var approvalTokens: String?
    @Option(
        name: .customLong("as"),
        help: "Your identity. Without a token, accepted only where the approval profile sets cliIdentity: declared.")
    var identity: String?
    @Option(help: "A comment for the audit log.") var comment: String?

    /// Who decides: the token's identity, or the declared one when no token is given.
    func decider(stateDirectory: String) throws -> (identity: String, declared: Bool) {
        let environment = ProcessInfo.processInfo.environment
        var token = environment["TRESOR_APPROVAL_TOKEN"]
        if let tokenFile {
            do {
                token = String(decoding: try AtomicFile.readBytes(tokenFile), as: UTF8.self)
            } catch {
                throw ValidationError("cannot read the token file \(tokenFile): \(error)")
            }
        }
        guard let token = token?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty else {
            guard let identity else {
                throw ValidationError("say who decides: --token-file FILE (or TRESOR_APPROVAL_TOKEN), or --as ID where allowed")
            }
            return (identity, true)
        }
        let tokensPath = approvalTokens ?? environment["TRESOR_APPROVAL_TOKENS"] ?? stateDirectory + "/approval-tokens"
        let tokens = try ApprovalTokens.load(path: tokensPath)
        guard let owner = tokens.identity(forToken: token) else {
            throw ValidationError("the token matches no identity in \(tokensPath)")
        }
        if let identity, ApprovalIdentity.normalized(identity) != owner {
            throw ValidationError("--as \(identity) is not the identity of the token (\(owner)); leave --as out")
        }
        return (owner, false)
    }

    /// Records the decision and prints the outcome; throws when it is refused.
    func record(_ verdict: ApprovalDecision.Verdict, global: GlobalOptions) throws {
        let decided: ApprovalRequest
        do {
            let root = StateDirectory.path(global.stateDir)
            let store = try global.openStore()
            let decider = try decider(stateDirectory: root)
            decided = try ApprovalService(stateStore: store).decide(
                secret: name, requestID: request, verdict: verdict, identity: decider.identity, comment: comment, now: Date(),
                declared: decider.declared)
        } catch {
            throw CommandFailure("\(error)")
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
        static let configuration = CommandConfiguration(abstract: "Approve a secret's pending request (or a vault profile's rule change: vaultprofile:NAME).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var decision: DecisionOptions

        func run() throws { try decision.record(.approve, global: global) }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a secret's pending request (one rejection rejects it).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var decision: DecisionOptions

        func run() throws { try decision.record(.reject, global: global) }
    }
}
