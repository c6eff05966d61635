import Foundation
import Synchronization
import TresorCore

/// What a leader's writes are conditioned on: the election key it holds and the lease
/// that holds it, valid on this machine until a local deadline that every successful
/// keepalive moves on. etcd enforces the key and lease on each state write (a txn
/// compare); the deadline stops vault writes, which etcd cannot fence, as soon as a
/// keepalive is late.
public final class LeaderFence: Sendable {
    public struct Hold: Sendable, Equatable {
        public var key: String
        public var lease: Int64

        public init(key: String, lease: Int64) {
            self.key = key
            self.lease = lease
        }
    }

    private struct State {
        var hold: Hold?
        var deadline: ContinuousClock.Instant
    }

    private let state = Mutex(State(hold: nil, deadline: .now))

    public init() {}

    /// Takes the fence for `hold` until `deadline`.
    public func grant(_ hold: Hold, until deadline: ContinuousClock.Instant) {
        state.withLock { $0 = State(hold: hold, deadline: deadline) }
    }

    /// Moves the deadline on (a keepalive answered).
    public func extend(until deadline: ContinuousClock.Instant) {
        state.withLock { if $0.hold != nil { $0.deadline = max($0.deadline, deadline) } }
    }

    /// Drops the fence: every later write is refused.
    public func revoke() {
        state.withLock { $0.hold = nil }
    }

    /// The hold while it is valid, nil once revoked or past its deadline.
    public var current: Hold? {
        state.withLock { state in
            guard let hold = state.hold, ContinuousClock.now < state.deadline else { return nil }
            return hold
        }
    }

    /// Throws unless this process holds leadership now.
    public func check(before what: String) throws -> Hold {
        guard let hold = current else {
            throw FencedError(description: "not the leader (its lease lapsed or was lost): \(what) was not done")
        }
        return hold
    }
}

/// A write refused because this process is not (or no longer) the leader.
public struct FencedError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}
