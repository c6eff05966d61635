import Foundation
import TresorCore
import TresorEngine

/// The HTML of the approvals list and of one request's page.
enum ApprovalPages {
    /// The operation in words: a drift is shown as such, a change of source as a move, the
    /// others by their names (a new operation shows by its name until it gets a word here).
    static func operation(_ request: ApprovalRequest) -> String {
        if request.cause == .drift { return "drift" }
        switch request.binding.operation {
        case .changeSource: return "move"
        case .ruleChange: return "rule change"
        default: return request.binding.operation.rawValue
        }
    }

    static func list(
        _ requests: [ApprovalRequest], total: Int, profiles: [String], filter: SecretFilter, labels: (String) -> [String: String], now: Date
    ) -> Markup {
        let options: [Markup] = profiles.map { profile in
            "<option value=\"\(profile)\"\(filter.profile == profile ? " selected" : "")>\(profile)</option>"
        }
        let rows: [Markup] = requests.map { request in
            let approvals = request.approvals.count
            return """
                <tr><td>\(UIPage.link(UIPage.requestPath(request.id), request.secret))<br><span class="muted">\(request.id)</span></td>\
                <td>\(operation(request))</td><td>\(UIPage.badge(request.state.rawValue))</td><td>\(request.requester)</td>\
                <td title="\(UIPage.time(request.createdAt))">\(UIPage.age(request.createdAt, now: now))</td>\
                <td>\(request.expiresAt.map { UIPage.age($0, now: now) } ?? "never")</td>\
                <td>\(approvals) / \(request.policy.requiredApprovals)</td>\
                <td>\(WebUI.profiles(request).joined(separator: ", "))</td><td>\(UIPage.labels(labels(request.secret)))</td></tr>
                """
        }
        let table: Markup =
            requests.isEmpty
            ? "<p class=\"notice\">\(total == 0 ? "No approval requests are open." : "No open request matches these filters.")</p>"
            : """
                <table><thead><tr><th>Secret</th><th>Operation</th><th>State</th><th>Requester</th><th>Age</th><th>Expires</th>\
                <th>Approvals</th><th>Profiles</th><th>Labels</th></tr></thead><tbody>\(rows)</tbody></table>
                """
        return """
            <h1>Open approval requests</h1>
            <form class="filters" method="get" action="/ui/approvals">
            <label>Profile<select name="profile"><option value="">any</option>\(options)</select></label>
            <label>Label<input name="label" value="\(filter.label ?? "")" placeholder="team=payments"></label>
            <button type="submit">Filter</button></form>
            <p class="muted">\(requests.count) of \(total) open</p>\(table)
            """
    }

    static func request(
        _ request: ApprovalRequest, current: String?, status: SecretStatus?, labels: [String: String], identity: String, csrf: String,
        now: Date, notice: String?, refusal: String?
    ) -> Markup {
        var messages: Markup = ""
        if let notice { messages = "<p class=\"notice\">\(notice)</p>" }
        if let refusal { messages = "\(messages)<p class=\"notice refusal\">\(refusal)</p>" }
        let policies: [Markup] = request.policies.map { policy in
            "<li><code>\(policy.profile)</code>: \(policy.requiredApprovals) of \(policy.approvers.joined(separator: ", "))\(policy.allowSelfApproval ? " (self-approval allowed)" : "")</li>"
        }
        let summary: Markup = """
            <h1>\(operation(request)) of \(subject(request))</h1>\(messages)
            <dl><dt>Request</dt><dd><code>\(request.id)</code></dd><dt>State</dt><dd>\(UIPage.badge(request.state.rawValue))\
            \(request.closedReason.map { " — " + $0 } ?? "")</dd>\
            <dt>Requested by</dt><dd>\(request.requester), \(UIPage.time(request.createdAt)) (\(UIPage.age(request.createdAt, now: now)) ago)</dd>\
            <dt>Expires</dt><dd>\(UIPage.time(request.expiresAt))</dd>\
            <dt>Approvals</dt><dd>\(request.approvals.count) of \(request.policy.requiredApprovals)\(request.approvals.isEmpty ? "" : ": " + request.approvals.joined(separator: ", "))</dd>\
            <dt>Approval profiles</dt><dd><ul>\(policies)</ul></dd><dt>Labels</dt><dd>\(UIPage.labels(labels))</dd>\
            <dt>Spec generation</dt><dd><code>\(request.binding.generation)</code></dd></dl>
            """
        return "\(summary)\(targets(request, status: status))\(compliance(request, status: status))\(decisions(request))\(form(request, current: current, identity: identity, csrf: csrf, now: now))"
    }

    /// The secret, linked to its page, or the vault profile whose rules a rule change loosens.
    static func subject(_ request: ApprovalRequest) -> Markup {
        guard let vaultProfile = ApprovalSubject.vaultProfileName(of: request.secret) else {
            return UIPage.link(UIPage.secretPath(request.secret), request.secret)
        }
        return "vault profile <code>\(vaultProfile)</code>"
    }

    /// What the request binds, per target: what the target holds now and what it gets; for
    /// a rule change, how it loosens the rules (until approved, the rules in force stay).
    static func targets(_ request: ApprovalRequest, status: SecretStatus?) -> Markup {
        if request.binding.operation == .ruleChange {
            let reasons: [Markup] = (request.ruleChanges ?? ["looser rules"]).map { "<li>\($0)</li>" }
            return """
                <h2>Rules loosened</h2><ul>\(reasons)</ul>
                <p class="muted">Until this is approved, the vault profile's secrets stay under the rules in force.</p>
                """
        }
        if let changes = request.changes { return RequestChangePages.targets(request, changes: changes, status: status) }
        // A request recorded before the change per target was: what the binding says.
        let binding = request.binding
        let incoming: Markup
        if binding.operation == .delete {
            incoming = "<em>deleted</em>"
        } else if !binding.generatedFields.isEmpty {
            incoming = "new value generated when applied for \(binding.generatedFields.joined(separator: ", "))\(binding.fingerprint == nil ? "" : " ")\(binding.fingerprint.map(UIPage.fingerprint) ?? "")"
        } else {
            incoming = UIPage.fingerprint(binding.fingerprint)
        }
        let rows: [Markup] = binding.targets.map { target in
            let parts = target.split(separator: ":", maxSplits: 1).map(String.init)
            let profile = parts.first ?? target
            let path = parts.count > 1 ? parts[1] : ""
            let role = profile == binding.sourceProfile ? "source" : profile == binding.previousSourceProfile ? "previous source" : "sync"
            let held = status?.targets[profile]
            let heldCompliance = role == "source" ? status?.compliance : held?.compliance
            return """
                <tr><td><code>\(profile)</code></td><td>\(role)</td><td><code>\(path)</code></td>\
                <td>\(UIPage.fingerprint(held?.fingerprint ?? (role == "source" ? request.fromFingerprint : nil)))</td>\
                <td>\(held?.vaultVersion ?? "-")</td><td>\(incoming)</td>\
                <td>\(heldCompliance.map { UIPage.badge($0.overall.rawValue) } ?? "-")</td></tr>
                """
        }
        return """
            <h2>What it changes, per target</h2>
            <table><thead><tr><th>Vault profile</th><th>Role</th><th>Path</th><th>Holds now</th><th>Vault version</th>\
            <th>Gets</th><th>Compliance</th></tr></thead><tbody>\(rows)</tbody></table>
            <p class="muted">Fingerprints are keyed HMACs of the whole content; no value is ever shown.</p>
            """
    }

    static func compliance(_ request: ApprovalRequest, status: SecretStatus?) -> Markup {
        guard let compliance = status?.compliance else { return "<h2>Compliance</h2><p class=\"muted\">No compliance profile applies.</p>" }
        let subject: Markup =
            compliance.fingerprint != nil && compliance.fingerprint == request.binding.fingerprint
            ? "Evaluated on the requested content."
            : "Evaluated on content \(UIPage.fingerprint(compliance.fingerprint))."
        let rows: [Markup] = compliance.rules.map { rule in
            "<tr><td>\(rule.name)</td><td><code>\(rule.kind)</code></td><td>\(UIPage.badge(rule.result.rawValue))</td><td>\(rule.message)</td></tr>"
        }
        return """
            <h2>Compliance (\(compliance.profile), \(compliance.enforcement)): \(UIPage.badge(compliance.overall.rawValue))</h2>
            <p class="muted">\(subject)</p>
            <table><thead><tr><th>Rule</th><th>Kind</th><th>Result</th><th>Message</th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }

    static func decisions(_ request: ApprovalRequest) -> Markup {
        guard !request.decisions.isEmpty else { return "<h2>Decisions</h2><p class=\"muted\">None yet.</p>" }
        let rows: [Markup] = request.decisions.map { decision in
            "<tr><td>\(decision.identity)</td><td>\(UIPage.badge(decision.verdict == .approve ? "approved" : "rejected"))</td><td>\(UIPage.time(decision.at))</td><td>\(decision.comment ?? "")</td></tr>"
        }
        return """
            <h2>Decisions</h2><table><thead><tr><th>Who</th><th>Verdict</th><th>When</th><th>Comment</th></tr></thead>\
            <tbody>\(rows)</tbody></table>
            """
    }

    /// The decision form, or why there is none for this identity.
    static func form(_ request: ApprovalRequest, current: String?, identity: String, csrf: String, now: Date) -> Markup {
        let canReject: Bool
        if let current, current != request.id {
            return refusal("This request is stale: the manifest changed since, and request \(current) replaced it. Decide on the current request.", link: current)
        }
        switch request.state {
        case .pending where request.isExpired(at: now):
            return refusal("This request expired at \(UIPage.time(request.expiresAt)) and counts as rejected.")
        case .pending: canReject = true
        case .approved: canReject = true
        case .rejected, .expired, .superseded, .executed:
            return refusal("This request is \(request.state.rawValue)\(request.closedReason.map { ": " + $0 } ?? ""). There is nothing to decide.")
        }
        let approverOf = request.policies.filter { $0.approvers.contains(identity) }
        guard !approverOf.isEmpty else {
            let approvers = Array(Set(request.policies.flatMap(\.approvers))).sorted().joined(separator: ", ")
            return refusal("You (\(identity)) are not an approver of this request; its approvers are \(approvers).")
        }
        var reasons: [String] = []
        if request.state == .approved { reasons.append("It has all its approvals; the daemon performs it. You can still reject it until then.") }
        if identity == request.requester, approverOf.contains(where: { !$0.allowSelfApproval }) {
            reasons.append("You requested this change and cannot approve it yourself; another approver must.")
        }
        if request.approvals.contains(identity) { reasons.append("You approved this request already; each approver counts once.") }
        let canApprove = reasons.isEmpty
        let approve: Markup = canApprove ? "<button class=\"primary\" type=\"submit\" name=\"verdict\" value=\"approve\">Approve</button> " : ""
        let reject: Markup = canReject ? "<button class=\"danger\" type=\"submit\" name=\"verdict\" value=\"reject\">Reject</button>" : ""
        let notes: [Markup] = reasons.map { "<p class=\"notice\">\($0)</p>" }
        return """
            <h2>Your decision</h2>\(notes)
            <form method="post" action="\(UIPage.requestPath(request.id))/decision">\(UIPage.csrfField(csrf))
            <label for="comment">Comment</label><br><textarea id="comment" name="comment" maxlength="2000"></textarea><br>
            \(approve)\(reject)</form>
            """
    }

    static func refusal(_ text: String, link: String? = nil) -> Markup {
        let more: Markup = link.map { "<br>\(UIPage.link(UIPage.requestPath($0), "Open request " + $0))" } ?? ""
        return "<h2>Your decision</h2><p class=\"notice refusal\">\(text)\(more)</p>"
    }
}
