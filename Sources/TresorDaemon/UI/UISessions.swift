import Foundation
import Synchronization

/// The web page's signed-in sessions, in memory only: a restart signs everyone out.
///
/// A session keeps the bearer token it was opened with, so that a decision made on the
/// page goes through the approval API exactly as a request carrying that token would
/// (same authentication, checks, seal and audit events). The cookie carries only a
/// random session id; the token never leaves the daemon again.
final class UISessions: Sendable {
    struct Session: Sendable {
        var identity: String
        var token: String
        /// The synchronizer token every POST of this session must carry.
        var csrf: String
        var expiresAt: Date
    }

    /// Signed-in sessions end after this long, whatever happens in between.
    let lifetime: TimeInterval
    private let sessions = Mutex<[String: Session]>([:])

    init(lifetime: TimeInterval = 8 * 3600) {
        self.lifetime = lifetime
    }

    /// Opens a session and returns its id.
    func open(identity: String, token: String, now: Date) -> (id: String, session: Session) {
        let id = Self.randomToken()
        let session = Session(identity: identity, token: token, csrf: Self.randomToken(), expiresAt: now.addingTimeInterval(lifetime))
        sessions.withLock { sessions in
            sessions = sessions.filter { $0.value.expiresAt > now }
            sessions[id] = session
        }
        return (id, session)
    }

    /// The live session with this id; an expired one is forgotten.
    func session(id: String?, now: Date) -> Session? {
        guard let id, !id.isEmpty else { return nil }
        return sessions.withLock { sessions in
            guard let session = sessions[id] else { return nil }
            guard session.expiresAt > now else {
                sessions[id] = nil
                return nil
            }
            return session
        }
    }

    func close(id: String?) {
        guard let id else { return }
        sessions.withLock { $0[id] = nil }
    }

    /// 256 random bits, hex.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
        }.joined()
    }

    /// Compares two tokens in time independent of where they differ.
    static func same(_ left: String, _ right: String) -> Bool {
        let a = Array(left.utf8), b = Array(right.utf8)
        guard a.count == b.count, !a.isEmpty else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
