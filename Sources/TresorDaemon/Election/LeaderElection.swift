import Foundation
import Logging
import Synchronization
import TresorEngine
import TresorVaults

/// Campaigns for leadership on one leased key, `<prefix>/leader`: the first replica to
/// create it (a txn that the key is absent) leads while its lease lives; the others poll
/// it and campaign again once it is gone. No consensus of its own: etcd's txn and lease
/// decide.
///
/// The leader renews its lease every third of the TTL. Its ``LeaderFence`` is valid until
/// two thirds of the TTL after the last renewal was *sent* (earlier than etcd can expire
/// the lease), so a leader that is paused, partitioned or cut from quorum stops writing
/// before a standby can take over. A renewal that etcd answers with an expired lease, or
/// none answered by that deadline, deposes it: it drops the fence, revokes what it can, and
/// campaigns again as a standby.
public final class LeaderElection: Sendable {
    public enum Role: Sendable, Equatable {
        case standby
        case leader
    }

    public let client: EtcdClient
    public let key: String
    public let identity: String
    public let ttl: Int
    public let fence: LeaderFence
    private let logger: Logger
    private let state = Mutex(State())
    private let onChange: @Sendable (Role) -> Void

    private struct State {
        var role = Role.standby
        /// The last call to etcd answered.
        var healthy = false
        var transitions = 0
    }

    public init(
        store: EtcdStateStore, fence: LeaderFence, ttl: Int, identity: String, logger: Logger,
        onChange: @escaping @Sendable (Role) -> Void
    ) {
        self.client = store.client
        self.key = store.leaderKey
        self.identity = identity
        self.ttl = ttl
        self.fence = fence
        self.logger = logger
        self.onChange = onChange
    }

    public var role: Role { state.withLock { $0.role } }
    /// etcd answered the last election call (a standby in touch with the cluster).
    public var isHealthy: Bool { state.withLock { $0.healthy } }

    /// Campaigns and renews until the task is cancelled; revokes the lease on the way out.
    public func run() async {
        var lease: Int64 = 0
        while !Task.isCancelled {
            if lease == 0 {
                lease = campaign()
                if lease == 0 { try? await Task.sleep(for: .seconds(1)) }
            } else {
                try? await Task.sleep(for: .milliseconds(ttl * 1000 / 3))
                if Task.isCancelled { break }
                if await !renew(lease) {
                    depose(lease)
                    lease = 0
                }
            }
        }
        if lease != 0 { depose(lease) }
    }

    /// One campaign: a lease, then the key if absent. Returns the lease when it leads, 0 otherwise.
    private func campaign() -> Int64 {
        do {
            if let holder = try client.get(key), holder.lease != 0 {
                setHealthy(true)
                return 0
            }
            let sent = ContinuousClock.now
            let lease = try client.grantLease(ttl: ttl)
            let won = try client.txn([.absent(key)], [.put(key, Array(identity.utf8), lease: lease)]).succeeded
            setHealthy(true)
            guard won else {
                try? client.revokeLease(lease)
                return 0
            }
            fence.grant(LeaderFence.Hold(key: key, lease: lease), until: deadline(after: sent))
            change(to: .leader)
            logger.info("leading", metadata: ["identity": "\(identity)", "lease": "\(lease)", "ttl": "\(ttl)s"])
            return lease
        } catch {
            setHealthy(false)
            logger.warning("cannot reach etcd to campaign", metadata: ["error": "\(error)"])
            return 0
        }
    }

    /// Renews the lease, retrying other members until the fence's deadline; false when deposed.
    private func renew(_ lease: Int64) async -> Bool {
        while true {
            let sent = ContinuousClock.now
            do {
                let left = try client.keepAlive(lease: lease)
                setHealthy(true)
                guard left > 0 else {
                    logger.error("lease expired: no longer leading", metadata: ["lease": "\(lease)"])
                    return false
                }
                guard fence.current != nil else {
                    logger.error("lease renewed too late: no longer leading", metadata: ["lease": "\(lease)"])
                    return false
                }
                fence.extend(until: deadline(after: sent))
                return true
            } catch {
                setHealthy(false)
                guard fence.current != nil else {
                    logger.error("no lease renewal in time: no longer leading", metadata: ["error": "\(error)"])
                    return false
                }
                logger.warning("lease renewal failed; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    private func depose(_ lease: Int64) {
        fence.revoke()
        if role == .leader { change(to: .standby) }
        try? client.revokeLease(lease)
    }

    private func deadline(after sent: ContinuousClock.Instant) -> ContinuousClock.Instant {
        sent + .milliseconds(ttl * 2000 / 3)
    }

    private func setHealthy(_ healthy: Bool) {
        state.withLock { $0.healthy = healthy }
    }

    private func change(to role: Role) {
        state.withLock {
            $0.role = role
            $0.transitions += 1
        }
        onChange(role)
    }
}
