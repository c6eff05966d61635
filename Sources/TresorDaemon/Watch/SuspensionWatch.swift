import Foundation
import TresorEngine

/// `tresor resume NAME` takes effect at once: the daemon watches `suspended.json` as it
/// watches the manifests (or, with the state in etcd, reads the key every second), and
/// hands over each secret that is no longer suspended so that it is passed now rather
/// than at its next resync.
final class SuspensionWatch: @unchecked Sendable {
    private let suspensions: Suspensions
    private let onResume: @Sendable ([String]) -> Void
    private let lock = NSLock()
    private var suspended: Set<String>
    private var watcher: ManifestWatcher?
    private var poller: Task<Void, Never>?

    init(_ suspensions: Suspensions, onResume: @escaping @Sendable ([String]) -> Void) throws {
        self.suspensions = suspensions
        self.onResume = onResume
        suspended = Set(((try? suspensions.read()) ?? [:]).keys)
        if suspensions.etcd != nil {
            poller = Task.detached { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    self?.reread()
                }
            }
            return
        }
        watcher = try ManifestWatcher(paths: [], files: [suspensions.path]) { [weak self] _ in self?.reread() }
        watcher?.start()
    }

    func stop() {
        watcher?.stop()
        poller?.cancel()
    }

    /// `name` was found suspended by a pass: its resume is then seen even when no read of
    /// the watch came between the suspension and the resume (etcd is read once a second;
    /// a suspend and a resume can fall between two reads, and the secret would wait for
    /// its next resync).
    func noteSuspended(_ name: String) {
        lock.withLock { _ = suspended.insert(name) }
    }

    /// Level-based like the manifests: the file is read again, whatever the event said.
    /// An unreadable file resumes nothing.
    private func reread() {
        guard let now = try? Set(suspensions.read().keys) else { return }
        let resumed = lock.withLock {
            let resumed = suspended.subtracting(now)
            suspended = now
            return resumed
        }
        if !resumed.isEmpty { onResume(resumed.sorted()) }
    }
}
