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
            help: "Tokens file of the approval API (`tresor approvals token add`); without it /v1/approvals, the web page /ui/ and POST /reconcile are not served.")
        var approvalTokens: String?
        @Option(help: "With --etcd-endpoints: seconds the leader's lease lives without renewal; a standby takes over after it.")
        var leaseTTL = 10
        @Option(help: "PEM certificate (chain) for HTTPS on --listen; needs --tls-key.") var tlsCert: String?
        @Option(help: "PEM private key of --tls-cert.") var tlsKey: String?

        func validate() throws {
            if DaemonServer.parseListen(listen) == nil { throw ValidationError("--listen takes HOST:PORT, e.g. 127.0.0.1:9464") }
            if workers < 1 { throw ValidationError("--workers must be at least 1") }
            if leaseTTL < 2 || leaseTTL > 600 { throw ValidationError("--lease-ttl takes seconds from 2 to 600") }
            if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together: give both, or neither for plain HTTP") }
        }

        func run() async throws {
            let logger = DaemonLogging.logger("tresor", format: global.logFormat == .json ? .json : .text)
            let stateDirectory = StateDirectory.path(global.stateDir)
            // With etcd, the election keeps replicas apart; the directory's lock does without it.
            let etcd = global.etcd.store(fence: LeaderFence())
            var lock: StateLock?
            do {
                if etcd == nil { lock = try StateStore(root: stateDirectory).lock() }
            } catch {
                throw CommandFailure("\(error)")
            }
            guard let (host, port) = DaemonServer.parseListen(listen) else { throw CommandFailure("--listen takes HOST:PORT") }
            do throws(ListenProbe.Failure) {
                if port != 0 { try ListenProbe.check(host: host, port: port) }
            } catch {
                throw CommandFailure(error.description)
            }
            var tokens: ApprovalTokens?
            if let approvalTokens {
                do {
                    tokens = try ApprovalTokens.load(path: approvalTokens)
                } catch {
                    throw CommandFailure("\(error)")
                }
            }
            let tls = tlsCert.flatMap { cert in tlsKey.map { ListenerTLS(certificateFile: cert, keyFile: $0) } }
            do {
                try tls?.check()
            } catch {
                throw CommandFailure("\(error)")
            }
            var configuration = DaemonConfiguration(
                paths: manifests.paths, stateDirectory: stateDirectory, workers: workers,
                engine: .init(actor: "daemon", allowMassDelete: allowMassDelete, requester: .gitops),
                sealing: try sealing.keyring())
            configuration.etcd = etcd
            configuration.leaseTTL = leaseTTL
            configuration.auditRotation = global.auditRotation
            configuration.dryRun = dryRun
            let daemon = Daemon(
                configuration: configuration,
                host: host, port: port, shutdownTimeout: .seconds(shutdownTimeout), approvalTokens: tokens, tls: tls, logger: logger)
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
