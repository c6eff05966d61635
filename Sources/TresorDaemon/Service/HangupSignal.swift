import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// SIGHUP as "reload": the manifests and credentials files are read again, as daemons
/// (nginx, sshd) do, instead of the default action that ends the process (exit 129).
/// Unchecked: the dispatch source is set once and dispatch sources are thread-safe; the
/// action is behind a lock.
final class HangupSignal: @unchecked Sendable {
    private let action = LockedBox<@Sendable () -> Void>({})
    private let source: DispatchSourceSignal

    init() {
        signal(SIGHUP, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler { [action] in action.withLock { $0 }() }
        source.resume()
    }

    /// What a SIGHUP does from now on.
    func onHangup(_ body: @escaping @Sendable () -> Void) {
        action.withLock { $0 = body }
    }

    func cancel() {
        source.cancel()
    }
}

/// The controller once the manifests first validate; until then approval decisions have
/// nothing to requeue.
final class ControllerSlot: Sendable {
    private let box = LockedBox<DaemonController?>(nil)

    var controller: DaemonController? { box.withLock { $0 } }

    func set(_ controller: DaemonController) { box.withLock { $0 = controller } }
}
