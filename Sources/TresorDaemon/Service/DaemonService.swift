import ServiceLifecycle

/// The controller as a lifecycle service: runs until a graceful shutdown (SIGTERM or
/// SIGINT through the service group), then stops taking work and returns once in-flight
/// passes have written their vault copies and status.
public struct DaemonService: Service {
    public let controller: DaemonController

    public init(controller: DaemonController) {
        self.controller = controller
    }

    public func run() async throws {
        try await controller.start()
        let controller = self.controller
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
}
