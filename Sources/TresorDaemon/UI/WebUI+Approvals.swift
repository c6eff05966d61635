import Foundation
import Hummingbird
import TresorCore
import TresorEngine

/// The open requests, one request's page, and the decision form's POST.
extension WebUI {
    func approvalsPage(_ request: Request) async throws -> Response {
        guard let (_, session) = session(request) else { return UIResponse.redirect(to: "/ui/sign-in") }
        let query = Self.query(request)
        let now = self.now
        let open = try api.service.open(now: now)
        let state = await desired()
        let filter = SecretFilter(query: query)
        let shown = open.filter { filter.matches(name: $0.secret, profiles: Self.profiles($0), labels: Self.labels(state, $0.secret)) }
        let page = ApprovalPages.list(
            shown, total: open.count, profiles: Set(open.flatMap(Self.profiles)).sorted(), filter: filter, labels: { Self.labels(state, $0) },
            now: now)
        return UIResponse.html(UIPage.render(title: "Approvals", chrome: chrome(session, tab: .approvals), body: page))
    }

    func requestPage(_ request: Request, id: String, refusal: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let (_, session) = session(request) else { return UIResponse.redirect(to: "/ui/sign-in") }
        let id = Self.decoded(id)
        let chrome = chrome(session, tab: .approvals)
        guard let found = try api.service.request(id: id) else {
            return UIResponse.html(
                UIPage.message(title: "No such request", text: "There is no approval request \(id).", chrome: chrome), status: .notFound)
        }
        let latest = try api.service.store.read(found.secret).latest
        let secretStatus = try? statuses.store.readStatus(found.secret)
        let decided = Self.query(request)["decided"]
        let page = ApprovalPages.request(
            found, current: latest?.id, status: secretStatus ?? nil, labels: Self.labels(await desired(), found.secret),
            identity: session.identity, csrf: session.csrf, now: now,
            notice: decided.map { "Your decision (\($0)) was recorded." }, refusal: refusal)
        return UIResponse.html(UIPage.render(title: "Request \(id)", chrome: chrome, body: page), status: status)
    }

    /// Hands the decision to the approval API as the session's identity: the page has no
    /// way to decide of its own.
    func decide(_ request: Request, id: String) async throws -> Response {
        let signedIn: (session: UISessions.Session, id: String, form: UIForm)
        switch try await authorizedForm(request) {
        case .failure(let refused): return refused.response
        case .success(let value): signedIn = value
        }
        let id = Self.decoded(id)
        guard let verdict = signedIn.form["verdict"], verdict == "approve" || verdict == "reject" else {
            return try await requestPage(request, id: id, refusal: "Choose Approve or Reject.", status: .badRequest)
        }
        do {
            // The session's token again: one revoked since sign-in decides nothing.
            let identity = try api.identity(authorization: "Bearer " + signedIn.session.token)
            _ = try api.decide(
                id: id, verdict: verdict == "approve" ? .approve : .reject, identity: identity, comment: signedIn.form.nonEmpty("comment"))
        } catch {
            return try await requestPage(
                request, id: id, refusal: error.message + ". Nothing was recorded.", status: HTTPResponse.Status(code: error.statusCode))
        }
        return UIResponse.redirect(to: UIPage.requestPath(id) + "?decided=" + verdict)
    }

    /// The vault profiles a request touches (its targets are `profile:path`).
    static func profiles(_ request: ApprovalRequest) -> [String] {
        var profiles = request.binding.targets.map { target in String(target.split(separator: ":", maxSplits: 1).first ?? "") }
        profiles.append(request.binding.sourceProfile)
        if let previous = request.binding.previousSourceProfile { profiles.append(previous) }
        return Array(Set(profiles.filter { !$0.isEmpty })).sorted()
    }

    static func labels(_ state: DesiredState?, _ secret: String) -> [String: String] {
        state?.secrets[secret]?.metadata.labels ?? [:]
    }
}
