import Foundation
import TresorCore

/// Approving, rejecting and listing requests from the state directory alone: what
/// `tresor approve|reject`, `tresor get approvals` and the HTTP API share. Every
/// decision, and every expiry it finds, goes to `audit.log`.
public struct ApprovalService: Sendable {
    public let store: ApprovalStore
    public let auditPath: String
    let stateStore: StateStore

    public init(stateStore: StateStore) {
        store = ApprovalStore(stateStore: stateStore)
        auditPath = stateStore.auditPath
        self.stateStore = stateStore
    }

    /// Requests that can still change what happens (pending, or approved and not yet
    /// performed), oldest first. Pending requests past their time are shown expired.
    public func open(now: Date) throws -> [ApprovalRequest] {
        try store.all().values.compactMap(\.latest).compactMap { request in
            var shown = request
            if shown.isExpired(at: now) { _ = ApprovalRules.expire(&shown, now: now) }
            return shown.state.isOpen ? shown : nil
        }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// The request with this id, nil when there is none.
    public func request(id: String) throws -> ApprovalRequest? { try store.request(id: id) }

    /// Records `identity`'s decision on the secret's current request.
    /// - Parameters:
    ///   - secret: the secret's name; nil to take it from `requestID`.
    ///   - requestID: the request decided on; nil for the secret's current one. A request
    ///     that is no longer current is refused, naming the current one.
    /// - Returns: the request after the decision.
    /// - Throws: ``ApprovalRefusal`` (nothing changed, except that a request found past its
    ///   time is recorded as expired), or a state-directory error.
    /// - Parameter declared: the identity is only declared (`--as` without a token): accepted
    ///   only when every approval profile of the request says `cliIdentity: declared`.
    public func decide(
        secret: String?, requestID: String?, verdict: ApprovalDecision.Verdict, identity given: String, comment: String?, now: Date,
        declared: Bool = false
    ) throws -> ApprovalRequest {
        let identity = ApprovalIdentity.normalized(given)
        guard let name = secret ?? requestID.flatMap(ApprovalRequest.secret(ofID:)), ApprovalSubject.isValid(name) else {
            throw ApprovalRefusal(
                kind: .notFound, description: "no approval request \(ObjectNames.quoted(requestID ?? secret ?? ""))")
        }
        let subject = ApprovalSubject.described(name)
        if let requestID, ApprovalRequest.secret(ofID: requestID) != name {
            throw ApprovalRefusal(kind: .notFound, description: "request \(requestID) is not a request of \(subject)")
        }
        guard try store.exists(name) else {
            throw ApprovalRefusal(
                kind: .notFound, description: "\(subject) has no approval requests; `tresor get approvals` lists the open ones")
        }
        let seal = try stateStore.approvalSeal()
        var events: [AuditEvent] = []
        let result: Result<ApprovalRequest, ApprovalRefusal> = try Self.retryingCollisions {
            events = []
            return try store.update(name) { file in
                guard var latest = file.latest else {
                    return .failure(ApprovalRefusal(kind: .notFound, description: "\(subject) has no approval requests"))
                }
                if let requestID, requestID != latest.id {
                    guard let stale = file.requests.first(where: { $0.id == requestID }) else {
                        return .failure(ApprovalRefusal(kind: .notFound, description: "\(subject) has no request \(requestID)"))
                    }
                    return .failure(
                        ApprovalRefusal(
                            kind: .closed,
                            description: "request \(requestID) is stale (\(stale.state.rawValue): \(stale.closedReason ?? "replaced")); "
                                + "nothing was changed. The current request of \(subject) is \(latest.id) (\(latest.state.rawValue)); "
                                + "check what it asks with `tresor get approvals` before deciding on it"))
                }
                if latest.isExpired(at: now) {
                    events.append(ApprovalRules.expire(&latest, now: now))
                    file.updateLatest { $0 = latest }
                }
                if declared, let strict = latest.policies.first(where: { $0.allowsDeclaredIdentity != true }) {
                    return .failure(
                        ApprovalRefusal(
                            kind: .forbidden,
                            description: "approval profile '\(strict.profile)' needs a token to prove who decides: pass --token-file FILE "
                                + "or set TRESOR_APPROVAL_TOKEN (`--as` alone is accepted only where the approval profile sets "
                                + "cliIdentity: declared, for single-user setups)"))
                }
                if let problem = seal.problem(with: latest) {
                    events.append(
                        ApprovalRules.event(
                            latest, actor: identity, operation: "approval-tamper", outcome: "refused", message: problem, now: now))
                    return .failure(
                        ApprovalRefusal(
                            kind: .closed,
                            description: "request \(latest.id) fails its integrity check (\(problem)); nothing was recorded. The next "
                                + "apply replaces it with a new request"))
                }
                do {
                    events += try ApprovalRules.decide(&latest, verdict: verdict, identity: identity, comment: comment, now: now)
                } catch let refusal as ApprovalRefusal {
                    return .failure(refusal)
                }
                if let last = latest.decisions.indices.last {
                    latest.decisions[last].mac = seal.mac(latest.decisions[last], on: latest)
                }
                file.updateLatest { $0 = latest }
                return .success(latest)
            }
        }
        if !events.isEmpty {
            let audit = try stateStore.auditLog()
            audit.append(events)
            audit.sync()
        }
        return try result.get()
    }

    /// Decisions racing on one request in etcd: the one that lost the compare on
    /// mod_revision reads the request again and decides on what it holds now (refused,
    /// clearly, when the decision no longer applies).
    static let collisionAttempts = 10

    /// Runs `decide` again after each collision with another writer, up to
    /// ``collisionAttempts`` times.
    static func retryingCollisions<T>(_ decide: () throws -> T) throws -> T {
        var attempt = 1
        while true {
            do {
                return try decide()
            } catch let collision as StateConflictError {
                guard attempt < collisionAttempts else { throw collision }
                attempt += 1
            }
        }
    }
}
