import Foundation
import ArgumentParser

/// Commands whose engine is not built yet: they parse their documented options, say
/// so and exit 1, so scripts fail loudly instead of silently doing nothing.
protocol UnfinishedCommand: ParsableCommand {}

extension UnfinishedCommand {
    func run() throws {
        var standardError = StandardError()
        print("tresor \(Self._commandName): not implemented yet", to: &standardError)
        throw ExitCode(1)
    }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}


extension Tresor {


    struct Approve: UnfinishedCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a secret's pending request.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The secret's name.") var name: String
        @Option(help: "The request id (default: the pending one).") var request: String?
        @Option(name: .customLong("as"), help: "Your identity.") var identity: String
        @Option(help: "A comment for the audit log.") var comment: String?
    }

    struct Reject: UnfinishedCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a secret's pending request.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The secret's name.") var name: String
        @Option(help: "The request id (default: the pending one).") var request: String?
        @Option(name: .customLong("as"), help: "Your identity.") var identity: String
        @Option(help: "A comment for the audit log.") var comment: String?
    }

    struct Compliance: UnfinishedCommand {
        static let configuration = CommandConfiguration(abstract: "Report compliance over all secrets from status.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .shortAndLong, help: "Output: table, json, github or junit.") var output: String = "table"
    }

    struct Seal: UnfinishedCommand {
        static let configuration = CommandConfiguration(abstract: "Encrypt a value (read on stdin) for a secret's field.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The reconciler's public key file.") var publicKey: String
        @Option(help: "The secret's name.") var secret: String
        @Option(help: "The content field.") var field: String
    }

    struct Keys: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Manage sealing keys.", subcommands: [Generate.self])

        struct Generate: UnfinishedCommand {
            static let configuration = CommandConfiguration(abstract: "Create a sealing key pair.")
            @OptionGroup var global: GlobalOptions
            @Option(help: "Directory for the key files.") var out: String
        }
    }

    struct Reseal: UnfinishedCommand {
        static let configuration = CommandConfiguration(abstract: "Re-encrypt every sealed value for a new public key.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var manifests: ManifestOptions
        @Option(help: "The new public key file.") var publicKey: String
    }
}
