import ArgumentParser
import Foundation
import TresorCore
import TresorEngine

extension Tresor {
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check manifests offline: syntax, fields, references, compliance rules. Exit 0 valid, 1 invalid.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "Manifest files or directories.")
        var paths: [String] = []

        // The same flag as plan and apply take, so a command line can switch verbs.
        @Option(name: [.customShort("f"), .customLong("filename")], help: "Manifest file or directory (repeatable), as for plan and apply.")
        var filenames: [String] = []

        @Option(name: .shortAndLong, help: "Output: text, json or github (annotations).")
        var output: Format = .text

        @Flag(name: .long, help: "Also list what the manifests declare.")
        var list = false

        @Flag(name: .long, help: "Accept a path that holds no tresor manifests (by default that is an error: a mistyped directory).")
        var allowEmpty = false

        @Flag(name: .long, help: "Treat YAML documents of other APIs (a kustomization, a ConfigMap) as errors instead of skipping them.")
        var strict = false

        @Flag(name: .shortAndLong, help: "Print only errors and the summary.")
        var quiet = false

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, json, github
        }

        func validate() throws {
            if paths.isEmpty && filenames.isEmpty {
                throw ValidationError("name the manifests: tresor validate FILE_OR_DIRECTORY… (or -f FILE_OR_DIRECTORY)")
            }
        }

        func run() throws {
            let found = ManifestFiles.read(paths + filenames, skipping: [StateDirectory.path(global.stateDir)])
            var result = ManifestLoader(strict: strict, environment: ProcessInfo.processInfo.environment).load(found.files, preDiagnostics: found.diagnostics)
            result.add(OfflineCompliance.diagnostics(result.state, now: Date()))
            if !allowEmpty { result.add(EmptyPaths.diagnostics(paths + filenames, found: found, result: result)) }
            let report = ValidationReport(result)
            KeptUntilExit.keep(found, result, report)
            switch output {
            case .text:
                if list, result.isValid { print(DeclarationList.text(result.state), terminator: "") }
                print(report.text(quiet: quiet), terminator: "")
            case .json: print(report.json(), terminator: "")
            case .github: print(report.github(), terminator: "")
            }
            if !result.isValid { throw ExitCode(1) }
        }
    }
}
