import ArgumentParser
import Foundation
import TresorCore
import TresorEngine

extension Tresor {
    struct Read: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a secret's content from its source vault. The only command that prints values; every read is audited.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var manifests: ManifestOptions
        @OptionGroup var sealing: SealingKeyOptions
        @Argument(help: "The secret's name.") var name: String
        @Option(help: "Print one field only.") var field: String?
        @Option(help: "Read this version (see `tresor versions`).") var version: Int?
        @Flag(help: "Allow printing values to a terminal.") var reveal = false
        @Option(name: .shortAndLong, help: "Output: text or json.") var output: Format = .text
        @Option(name: .customLong("as"), help: "Identity recorded in the audit log.") var identity: String?

        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

        func run() async throws {
            if isatty(1) == 1 && !reveal {
                throw CommandFailure("refusing to print secret values to a terminal; pipe the output, or add --reveal")
            }
            let workspace = try Workspace.open(
                global: global, manifests: manifests, sealing: sealing,
                // Content comes from the vault: only sealed credentials need a key here.
                sealedContent: false)
            let actor = identity ?? ProcessInfo.processInfo.environment["USER"].map { "user:\($0)" } ?? "cli"
            let reader = ContentReader(store: workspace.store, registry: workspace.engine.registry)
            let content: [String: SecretValue]
            do {
                content = try await reader.read(secret: name, desired: workspace.desired, version: version, actor: actor, now: Date())
            } catch {
                throw CommandFailure("\(error)")
            }
            if let field {
                guard let value = content[field] else {
                    throw CommandFailure("Secret '\(name)' has no field '\(field)'; it has \(content.keys.sorted().joined(separator: ", "))")
                }
                print(output == .json ? ContentReader.json([field: value]) : value.reveal())
            } else {
                print(output == .json ? ContentReader.json(content) : ContentReader.text(content), terminator: output == .json ? "\n" : "")
            }
        }
    }
}
