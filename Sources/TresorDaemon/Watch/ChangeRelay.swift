import Synchronization

/// Passes the manifest watcher's events to a handler set later: the watcher is made
/// before the controller that handles its events exists. The watcher's thread starts
/// only once the handler is set, so no event arrives before it.
final class ChangeRelay: Sendable {
    private let handler = Mutex<(@Sendable (ManifestChanges) -> Void)?>(nil)

    func handle(_ body: @escaping @Sendable (ManifestChanges) -> Void) {
        handler.withLock { $0 = body }
    }

    func forward(_ changes: ManifestChanges) {
        handler.withLock { $0 }?(changes)
    }
}
