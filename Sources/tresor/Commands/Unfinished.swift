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


    struct Run: UnfinishedCommand {
        static let configuration = CommandConfiguration(abstract: "Run the reconciler daemon: watch manifests, converge, serve metrics.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var manifests: ManifestOptions
        @Option(help: "Address for /healthz, /readyz and /metrics.") var listen = "127.0.0.1:9464"
        @Option(help: "Concurrent reconciles.") var workers = 8
    }
}
