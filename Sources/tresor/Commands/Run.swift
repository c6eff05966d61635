import ArgumentParser
import Foundation
import TresorDaemon
import TresorEngine

extension Tresor {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the reconciler daemon: watch manifests, converge, serve metrics.",
            discussion: """
                Stops on SIGTERM or SIGINT after finishing in-flight writes (exit 0); SIGHUP reloads the manifests and \
                credentials files. Manifests that do not validate keep it running and unready (/readyz 503) until fixed.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var manifests: ManifestOptions
        @OptionGroup var sealing: SealingKeyOptions
        @Option(help: "Address for /healthz, /readyz and /metrics.") var listen = "127.0.0.1:9464"
        @Option(help: "Concurrent reconciles.") var workers = 8
        @Option(help: "Seconds a graceful shutdown may take before in-flight work is cancelled.") var shutdownTimeout = 30
        @Flag(help: "Allow a manifest change that removes more than the mass-delete threshold.") var allowMassDelete = false
        @Flag(help: "Plan only: export what each pass would change as tresor_pending_changes{secret,action}; write nothing to any vault.")
        var dryRun = false
        @Option(
            help: "Tokens file of the approval API (`tresor approvals token add`); without it /v1/approvals and POST /reconcile are not served.")
        var approvalTokens: String?

        func validate() throws {
            if DaemonServer.parseListen(listen) == nil { throw ValidationError("--listen takes HOST:PORT, e.g. 127.0.0.1:9464") }
            if workers < 1 { throw ValidationError("--workers must be at least 1") }
        }

        func run() async throws {
            let logger = DaemonLogging.logger("tresor", format: global.logFormat == .json ? .json : .text)
            let stateDirectory = StateDirectory.path(global.stateDir)
            let lock: StateLock
            do {
                lock = try StateStore(root: stateDirectory).lock()
            } catch {
                fail("\(error)")
            }
            guard let (host, port) = DaemonServer.parseListen(listen) else { fail("--listen takes HOST:PORT") }
            do throws(ListenProbe.Failure) {
                if port != 0 { try ListenProbe.check(host: host, port: port) }
            } catch {
                fail(error.description)
            }
            var tokens: ApprovalTokens?
            if let approvalTokens {
                do {
                    tokens = try ApprovalTokens.load(path: approvalTokens)
                } catch {
                    fail("\(error)")
                }
            }
            var configuration = DaemonConfiguration(
                paths: manifests.paths, stateDirectory: stateDirectory, workers: workers,
                engine: .init(actor: "daemon", allowMassDelete: allowMassDelete, requester: .gitops),
                sealing: sealing.keyring())
            configuration.dryRun = dryRun
            let daemon = Daemon(
                configuration: configuration,
                host: host, port: port, shutdownTimeout: .seconds(shutdownTimeout), approvalTokens: tokens, logger: logger)
            do {
                try await daemon.run()
            } catch let error as InvalidManifestsError {
                var standardError = StandardError()
                print(error.description, terminator: "", to: &standardError)
                throw ExitCode(1)
            } catch let error as SealedValues.OpenError {
                var standardError = StandardError()
                print(error.description, to: &standardError)
                print("\(error.problems.count) sealed value(s) cannot be opened; nothing was changed", to: &standardError)
                throw ExitCode(1)
            }
            withExtendedLifetime(lock) {}
        }
    }
}
