import Foundation
import Hummingbird
import TresorCore
import TresorEngine

/// The secrets table (`get secrets`, paged and filtered) and a secret's page (`describe`).
extension WebUI {
    func secretsPage(_ request: Request) async throws -> Response {
        guard let (_, session) = session(request) else { return UIResponse.redirect(to: "/ui/sign-in") }
        let query = Self.query(request)
        let filter = SecretFilter(query: query)
        let showRemoved = query["all"] == "1"
        let snapshot = statuses.snapshot()
        let state = await desired()
        let shown = snapshot.statuses.filter { status in
            (showRemoved || !status.state.isRemoved)
                && filter.matches(
                    name: status.name, state: status.state.rawValue, profiles: Array(status.targets.keys) + [status.sourceProfile],
                    labels: Self.labels(state, status.name))
        }
        let pages = max(1, (shown.count + Self.pageSize - 1) / Self.pageSize)
        let page = min(max(1, Int(query["page"] ?? "") ?? 1), pages)
        let slice = Array(shown.dropFirst((page - 1) * Self.pageSize).prefix(Self.pageSize))
        let body = SecretPages.list(
            slice, matching: shown.count, total: snapshot.statuses.count, page: page, pages: pages, filter: filter, profiles: snapshot.profiles,
            showRemoved: showRemoved, labels: { Self.labels(state, $0) }, damaged: snapshot.damaged.map(\.problem), now: now)
        return UIResponse.html(UIPage.render(title: "Secrets", chrome: chrome(session, tab: .secrets), body: body))
    }

    func secretPage(_ request: Request, name: String) async throws -> Response {
        guard let (_, session) = session(request) else { return UIResponse.redirect(to: "/ui/sign-in") }
        let name = Self.decoded(name)
        let chrome = chrome(session, tab: .secrets)
        let status: SecretStatus?
        do {
            status = try statuses.store.readStatus(name)
        } catch {
            return UIResponse.html(UIPage.message(title: "Unreadable status", text: "\(error)", chrome: chrome), status: .internalServerError)
        }
        guard let status else {
            return UIResponse.html(
                UIPage.message(title: "No such secret", text: "No status is recorded for a secret named \(name).", chrome: chrome),
                status: .notFound)
        }
        let events = AuditTail.events(of: name, store: statuses.store)
        let body = SecretPages.detail(status, labels: Self.labels(await desired(), name), events: events, now: now)
        return UIResponse.html(UIPage.render(title: name, chrome: chrome, body: body))
    }
}
