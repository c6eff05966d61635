import Foundation
import TresorCore
import TresorEngine

/// What operators ask of a running daemon: a pass now (`POST /reconcile`), secrets left
/// alone while suspended, and plan-only passes (`run --dry-run`).
extension DaemonController {
    nonisolated var suspensions: Suspensions { Suspensions(store: store) }

    /// Queues `name` (nil: every declared secret) at once. Returns the names queued, or
    /// nil when `name` is neither declared nor managed.
    public func reconcileNow(_ name: String?) async -> [String]? {
        let names: [String]
        if let name {
            guard desired.secrets[name] != nil || ledger.entry(name) != nil else { return nil }
            names = [name]
        } else {
            names = desired.secrets.keys.sorted()
        }
        for name in names { timers.cancel(name) }
        await queue.add(names, lane: .priority)
        logger.info("reconcile requested", metadata: ["secrets": "\(names.count)"])
        return names
    }

    /// `tresor resume`: each resumed secret still declared or managed is passed now.
    func resumed(_ names: [String]) async {
        let known = names.filter { desired.secrets[$0] != nil || ledger.entry($0) != nil }
        guard !known.isEmpty else { return }
        for name in known { timers.cancel(name) }
        await queue.add(known, lane: .priority)
        logger.info("resumed; reconciling now", metadata: ["secrets": "\(known.joined(separator: ","))"])
    }

    /// A suspended secret: no pass, a log line that says so, and a look again at its resync.
    func leaveSuspended(_ key: String, _ suspension: Suspensions.Entry) {
        suspensionWatch?.noteSuspended(key)
        metrics.reconciled(result: "suspended", duration: .zero)
        logger.info(
            "suspended; left alone until `tresor resume`",
            metadata: ["secret": "\(key)", "since": "\(StatusCoding.formatDate(suspension.since))", "by": "\(suspension.by)"])
        if let secret = desired.secrets[key] {
            schedule(key, after: configuration.resync.delay(interval: secret.spec.refreshInterval.seconds, unit: clock.random()))
        }
        if initialPending.remove(key) != nil, initialPending.isEmpty { markReady() }
    }

    /// `--dry-run`: observe → plan → gate for one secret; its pending changes become the
    /// `tresor_pending_changes{secret,action}` gauges. Nothing is written.
    nonisolated func planOnly(_ key: String, engine: Engine, desired: DesiredState) async {
        var options = engine.options
        options.only = [key]
        let scoped = Engine(
            store: engine.store, registry: engine.registry, fingerprinter: engine.fingerprinter, resolver: engine.resolver,
            options: options)
        let plan: SecretPlan?
        do {
            plan = try await scoped.plan(desired, now: clock.date()).plans.first
        } catch {
            logger.error("dry run: cannot plan", metadata: ["secret": "\(key)", "error": "\(error)"])
            plan = nil
        }
        var pending: [String: Int] = [:]
        for target in plan?.targets ?? [] where target.action != .noop {
            pending[target.action.description, default: 0] += 1
        }
        metrics.pendingChanges(key, pending)
        await plannedOnly(key)
    }

    private func plannedOnly(_ key: String) {
        metrics.reconciled(result: "planned", duration: .zero)
        if let secret = desired.secrets[key] {
            schedule(key, after: configuration.resync.delay(interval: secret.spec.refreshInterval.seconds, unit: clock.random()))
        }
        if initialPending.remove(key) != nil, initialPending.isEmpty { markReady() }
    }
}

