import Foundation
import TresorCore

/// The HTML of the secrets table and of one secret's page. Status files hold no values,
/// and these pages read nothing else.
enum SecretPages {
    static func list(
        _ statuses: [SecretStatus], matching: Int, total: Int, page: Int, pages: Int, filter: SecretFilter, profiles: [String],
        showRemoved: Bool, labels: (String) -> [String: String], damaged: [String], now: Date
    ) -> Markup {
        let stateOptions: [Markup] = SecretState.allCases.map { state in
            "<option value=\"\(state.rawValue)\"\(filter.state == state.rawValue ? " selected" : "")>\(state.rawValue)</option>"
        }
        let profileOptions: [Markup] = profiles.map { profile in
            "<option value=\"\(profile)\"\(filter.profile == profile ? " selected" : "")>\(profile)</option>"
        }
        let rows: [Markup] = statuses.map { status in
            """
            <tr><td>\(UIPage.link(UIPage.secretPath(status.name), status.name))</td><td>\(status.type.rawValue)</td>\
            <td>\(UIPage.badge(status.state.rawValue))</td><td><code>\(status.sourceProfile)</code></td>\
            <td>\(sync(status))</td><td>\(status.latestVersion.map { String($0.number) } ?? "-")</td>\
            <td>\(compliance(status))</td><td>\(UIPage.labels(labels(status.name)))</td><td>\(lastEvent(status, now: now))</td></tr>
            """
        }
        var problems: Markup = ""
        if !damaged.isEmpty {
            let items: [Markup] = damaged.prefix(20).map { "<li>\($0)</li>" }
            problems = "<div class=\"notice refusal\">\(damaged.count) status file(s) cannot be read:<ul>\(items)</ul></div>"
        }
        let table: Markup =
            statuses.isEmpty
            ? "<p class=\"notice\">\(total == 0 ? "No secrets recorded yet." : "No secret matches these filters.")</p>"
            : """
                <table><thead><tr><th>Name</th><th>Type</th><th>State</th><th>Source</th><th>Sync targets</th><th>Version</th>\
                <th>Compliance</th><th>Labels</th><th>Last event</th></tr></thead><tbody>\(rows)</tbody></table>
                """
        return """
            <h1>Secrets</h1>\(problems)
            <form class="filters" method="get" action="/ui/secrets">
            <label>Name<input name="q" value="\(filter.name ?? "")"></label>
            <label>State<select name="state"><option value="">any</option>\(stateOptions)</select></label>
            <label>Profile<select name="profile"><option value="">any</option>\(profileOptions)</select></label>
            <label>Label<input name="label" value="\(filter.label ?? "")" placeholder="team=payments"></label>
            <label><span>Removed</span><select name="all"><option value="">hide</option><option value="1"\(showRemoved ? " selected" : "")>show</option></select></label>
            <button type="submit">Filter</button></form>
            <p class="muted">\(matching) of \(total) secrets</p>\(table)\(pager(page: page, pages: pages, filter: filter, showRemoved: showRemoved))
            """
    }

    static func pager(page: Int, pages: Int, filter: SecretFilter, showRemoved: Bool) -> Markup {
        guard pages > 1 else { return "" }
        func href(_ number: Int) -> String {
            "/ui/secrets?" + UIForm.query([
                ("q", filter.name), ("state", filter.state), ("profile", filter.profile), ("label", filter.label),
                ("all", showRemoved ? "1" : nil), ("page", String(number)),
            ])
        }
        let previous: Markup = page > 1 ? UIPage.link(href(page - 1), "← Previous") : ""
        let next: Markup = page < pages ? UIPage.link(href(page + 1), "Next →") : ""
        return "<nav class=\"pager\">\(previous)<span>Page \(page) of \(pages)</span>\(next)</nav>"
    }

    /// Each sync target: in step with the latest version, failing, or behind.
    static func sync(_ status: SecretStatus) -> Markup {
        let targets = status.targets.filter { $0.value.role == .sync }.sorted { $0.key < $1.key }
        guard !targets.isEmpty else { return "<span class=\"muted\">none</span>" }
        let items: [Markup] = targets.map { profile, target in
            let state = target.lastError != nil ? "failed" : target.fingerprint == status.latestVersion?.fingerprint ? "ok" : "pending"
            return "<code>\(profile)</code> \(UIPage.badge(state)) "
        }
        return "\(items)"
    }

    static func compliance(_ status: SecretStatus) -> Markup {
        guard let compliance = status.compliance else { return "<span class=\"muted\">-</span>" }
        let failing: [Markup] = compliance.rules.filter { $0.result == .nok || $0.result == .notAvailable }.map { " <code>\($0.name)</code>" }
        return "\(UIPage.badge(compliance.overall.rawValue))\(failing)"
    }

    static func lastEvent(_ status: SecretStatus, now: Date) -> Markup {
        guard let latest = status.conditions.max(by: { $0.lastTransitionTime < $1.lastTransitionTime }) else { return "-" }
        return "<span title=\"\(latest.message)\">\(latest.type.rawValue) \(latest.reason.rawValue), \(UIPage.age(latest.lastTransitionTime, now: now)) ago</span>"
    }

    static func detail(_ status: SecretStatus, labels: [String: String], events: [AuditTail.Event], now: Date) -> Markup {
        var approval: Markup = "none"
        if let request = status.approval {
            approval = "\(UIPage.link(UIPage.requestPath(request.request), request.request)) \(request.operation) \(UIPage.badge(request.state)) \(request.approvals.count) of \(request.requiredApprovals)"
        }
        let conditions: [Markup] = status.conditions.map { condition in
            "<tr><td>\(condition.type.rawValue)</td><td>\(condition.status.rawValue)</td><td>\(condition.reason.rawValue)</td><td>\(condition.message)</td><td>\(UIPage.time(condition.lastTransitionTime))</td></tr>"
        }
        let targets: [Markup] = status.targets.sorted { $0.key < $1.key }.map { profile, target in
            "<tr><td><code>\(profile)</code></td><td>\(target.role.rawValue)</td><td><code>\(target.path)</code></td><td>\(UIPage.fingerprint(target.fingerprint))</td><td>\(target.vaultVersion ?? "-")</td><td>\(UIPage.time(target.lastSyncedAt))</td><td>\(target.compliance.map { UIPage.badge($0.overall.rawValue) } ?? "-")</td><td>\(target.lastError ?? "")</td></tr>"
        }
        let versions: [Markup] = status.versions.suffix(50).reversed().map { version in
            "<tr><td>\(version.number)</td><td>\(UIPage.fingerprint(version.fingerprint))</td><td><code>\(version.vaultProfile)</code></td><td>\(version.vaultVersion ?? "-")</td><td>\(UIPage.time(version.createdAt))</td></tr>"
        }
        let eventRows: [Markup] = events.map { event in
            "<tr><td>\(event.time)</td><td>\(event.actor)</td><td>\(event.operation)</td><td>\(event.outcome)</td><td><code>\(event.vaultProfile ?? "")</code></td><td>\(event.message ?? "")</td></tr>"
        }
        let recent: Markup =
            events.isEmpty
            ? "<p class=\"muted\">None in the recent audit log.</p>"
            : "<table><thead><tr><th>Time</th><th>Actor</th><th>Operation</th><th>Outcome</th><th>Vault profile</th><th>Message</th></tr></thead><tbody>\(eventRows)</tbody></table>"
        var rules: Markup = "<p class=\"muted\">No compliance profile applies to the source.</p>"
        if let compliance = status.compliance {
            let rows: [Markup] = compliance.rules.map { rule in
                "<tr><td>\(rule.name)</td><td><code>\(rule.kind)</code></td><td>\(UIPage.badge(rule.result.rawValue))</td><td>\(rule.field ?? "")</td><td>\(rule.message)</td></tr>"
            }
            rules = """
                <p>\(compliance.profile) (\(compliance.enforcement)): \(UIPage.badge(compliance.overall.rawValue))</p>
                <table><thead><tr><th>Rule</th><th>Kind</th><th>Result</th><th>Field</th><th>Message</th></tr></thead><tbody>\(rows)</tbody></table>
                """
        }
        return """
            <h1>\(status.name)</h1>
            <dl><dt>Type</dt><dd>\(status.type.rawValue)</dd><dt>State</dt><dd>\(UIPage.badge(status.state.rawValue))</dd>\
            <dt>Source</dt><dd><code>\(status.sourceProfile)</code></dd><dt>Version</dt><dd>\(status.latestVersion.map { String($0.number) } ?? "-")</dd>\
            <dt>Labels</dt><dd>\(UIPage.labels(labels))</dd><dt>Generation</dt><dd><code>\(status.observedGeneration)</code></dd>\
            <dt>Reconciled</dt><dd>\(UIPage.time(status.lastReconciledAt))</dd><dt>Declared in</dt><dd>\(status.origin.map { "\($0.file):\($0.line)" } ?? "-")</dd>\
            <dt>Approval</dt><dd>\(approval)</dd></dl>
            <h2>Conditions</h2><table><thead><tr><th>Type</th><th>Status</th><th>Reason</th><th>Message</th><th>Since</th></tr></thead><tbody>\(conditions)</tbody></table>
            <h2>Targets</h2><table><thead><tr><th>Vault profile</th><th>Role</th><th>Path</th><th>Fingerprint</th><th>Vault version</th><th>Synced</th><th>Compliance</th><th>Last error</th></tr></thead><tbody>\(targets)</tbody></table>
            <h2>Compliance</h2>\(rules)
            <h2>Recent events</h2>\(recent)
            <h2>Versions</h2><table><thead><tr><th>Version</th><th>Fingerprint</th><th>Vault profile</th><th>Vault version</th><th>Created</th></tr></thead><tbody>\(versions)</tbody></table>
            """
    }
}
