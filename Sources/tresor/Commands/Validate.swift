import ArgumentParser
import TresorCore

extension Tresor {
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check manifests offline: syntax, fields, references. Exit 0 valid, 1 invalid.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "Manifest files or directories.")
        var paths: [String]

        @Option(name: .shortAndLong, help: "Output: text, json or github (annotations).")
        var output: Format = .text

        @Flag(name: .long, help: "Also list what the manifests declare.")
        var list = false

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, json, github
        }

        func run() throws {
            let found = ManifestFiles.read(paths, skipping: [StateDirectory.path(global.stateDir)])
            let result = ManifestLoader().load(found.files, preDiagnostics: found.diagnostics)
            let report = ValidationReport(result)
            switch output {
            case .text:
                if list, result.isValid { print(DeclarationList.text(result.state), terminator: "") }
                print(report.text(), terminator: "")
            case .json: print(report.json(), terminator: "")
            case .github: print(report.github(), terminator: "")
            }
            if !result.isValid { throw ExitCode(1) }
        }
    }
}
