import ArgumentParser
import Foundation
import TresorEngine

#if canImport(Glibc)
    import Glibc
#endif

extension Tresor {
    struct Approvals: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage access to the approval HTTP API.", subcommands: [Token.self])

        struct Token: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Manage API bearer tokens.", subcommands: [Add.self])
        }

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Make a bearer token for an identity: its SHA-256 hash is added to the tokens file, the token is printed once.")
            @Option(name: .customLong("as"), help: "The identity the token stands for.") var identity: String
            @Option(help: "The tokens file (created 0600 when missing).") var tokensFile: String

            func run() throws {
                guard !identity.isEmpty, !identity.contains(where: \.isNewline) else {
                    throw ValidationError("--as must be a non-empty identity on one line")
                }
                let existing: [UInt8]
                do {
                    existing = try AtomicFile.read(tokensFile) ?? []
                    _ = try ApprovalTokens(text: String(decoding: existing, as: UTF8.self), path: tokensFile)
                } catch {
                    throw CommandFailure("\(error)")
                }
                let made = ApprovalTokens.make(identity: identity)
                var text = String(decoding: existing, as: UTF8.self)
                if !text.isEmpty, !text.hasSuffix("\n") { text += "\n" }
                text += made.line + "\n"
                do {
                    try AtomicFile.write(Array(text.utf8), to: tokensFile, mode: 0o600)
                } catch {
                    throw CommandFailure("\(error)")
                }
                print(made.token)
            }
        }
    }
}
