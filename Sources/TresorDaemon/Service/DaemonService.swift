import Foundation
import Logging
import ServiceLifecycle
import TresorCore

/// The controller as a lifecycle service: runs until a graceful shutdown (SIGTERM or
/// SIGINT through the service group), then stops taking work and returns once in-flight
/// passes have written their vault copies and status.
///
/// Manifests that do not validate at start do not end the process (that would
/// crash-loop a pod): the endpoint answers `/healthz`, `/readyz` says 503 with the first
/// errors, and the manifests are loaded again on each change or SIGHUP until they validate.
public struct DaemonService: Service {
    let makeController: @Sendable () throws -> DaemonController
    let configuration: DaemonConfiguration
    let health: DaemonHealth
    let metrics: DaemonMetrics
    let logger: Logger
    let slot: ControllerSlot

    init(
        configuration: DaemonConfiguration, health: DaemonHealth, metrics: DaemonMetrics, logger: Logger, slot: ControllerSlot,
        makeController: @escaping @Sendable () throws -> DaemonController
    ) {
        self.configuration = configuration
        self.health = health
        self.metrics = metrics
        self.logger = logger
        self.slot = slot
        self.makeController = makeController
    }

    public func run() async throws {
        let hangup = HangupSignal()
        defer { hangup.cancel() }
        guard let controller = try await firstValidController(hangup) else { return }
        slot.set(controller)
        hangup.onHangup { [logger] in
            logger.info("SIGHUP: reloading manifests and credentials files")
            Task { await controller.reloadAll() }
        }
        try await controller.start()
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await controller.waitForWorkers()
            } onGracefulShutdown: {
                Task { await controller.stop() }
            }
        } onCancel: {
            Task { await controller.stop() }
        }
    }

    /// Loads until the manifests validate; nil when the daemon is asked to stop first.
    private func firstValidController(_ hangup: HangupSignal) async throws -> DaemonController? {
        let (wakeups, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        continuation.yield()
        var watcher: ManifestWatcher?
        defer { watcher?.stop() }
        hangup.onHangup { continuation.yield() }
        return try await withGracefulShutdownHandler {
            for await _ in wakeups {
                do {
                    return try makeController()
                } catch let error as InvalidManifestsError {
                    let errors = error.result.errors
                    for diagnostic in errors.prefix(20) {
                        logger.error("invalid manifest; waiting for a valid one", metadata: ["diagnostic": "\(diagnostic)"])
                    }
                    metrics.manifestLoad(valid: false)
                    let first = errors.prefix(3).map(\.description).joined(separator: "; ")
                    health.notReady(because: "manifests do not validate (\(errors.count) error(s)): \(first)")
                    if watcher == nil {
                        watcher = try ManifestWatcher(paths: configuration.paths, skipping: [configuration.stateDirectory]) { _ in
                            continuation.yield()
                        }
                        watcher?.start()
                    }
                }
            }
            return nil
        } onGracefulShutdown: {
            continuation.finish()
        }
    }
}
