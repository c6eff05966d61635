/// Gathers a burst of change notices (a `git checkout`, an editor's save dance) into one
/// call with everything it touched: `fire` runs once the notices have been quiet for `quiet`, or `maxWait` after the
/// first of them when they never stop.
public actor Debouncer {
    private let quiet: Duration
    private let maxWait: Duration
    private let clock: DaemonClock
    private let fire: @Sendable (ManifestChanges) async -> Void
    private var first: Duration?
    private var pending = ManifestChanges()
    private var last: Duration = .zero

    public init(quiet: Duration, maxWait: Duration, clock: DaemonClock, fire: @escaping @Sendable (ManifestChanges) async -> Void) {
        self.quiet = quiet
        self.maxWait = maxWait
        self.clock = clock
        self.fire = fire
    }

    public func notice(_ changes: ManifestChanges) {
        pending.merge(changes)
        let now = clock.now()
        last = now
        guard first == nil else { return }
        first = now
        Task { await self.waitAndFire() }
    }

    private func waitAndFire() async {
        while let first {
            let now = clock.now()
            let quietUntil = last + quiet
            let deadline = first + maxWait
            if now >= quietUntil || now >= deadline { break }
            try? await clock.sleep(min(quietUntil, deadline) - now)
        }
        first = nil
        let changes = pending
        pending = ManifestChanges()
        await fire(changes)
    }
}
