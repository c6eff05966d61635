import Foundation
import TresorCore
import TresorEngine

/// A request's change per target, from what the request recorded when it was made: what
/// each target held (fingerprint, vault version), what it gets, and the names of the
/// fields added, removed and changed. Names only; a value never reaches the request.
enum RequestChangePages {
    static func targets(_ request: ApprovalRequest, changes: [ApprovalTargetChange], status: SecretStatus?) -> Markup {
        let binding = request.binding
        let rows: [Markup] = changes.map { change in
            let parts = change.target.split(separator: ":", maxSplits: 1).map(String.init)
            let profile = parts.first ?? change.target
            let path = parts.count > 1 ? parts[1] : ""
            let role = profile == binding.previousSourceProfile ? "previous source" : change.role.rawValue
            let held = status?.targets[profile]
            let heldCompliance = change.role == .source && profile == binding.sourceProfile ? status?.compliance : held?.compliance
            return """
                <tr><td><code>\(profile)</code></td><td>\(role)</td><td><code>\(path)</code></td><td>\(change.action)</td>\
                <td>\(UIPage.fingerprint(change.fromFingerprint))</td><td>\(versions(change, request: request, held: held))</td>\
                <td>\(gets(change, binding: binding))</td><td>\(fields(change))</td>\
                <td>\(heldCompliance.map { UIPage.badge($0.overall.rawValue) } ?? "-")</td></tr>
                """
        }
        return """
            <h2>What it changes, per target</h2>
            <table><thead><tr><th>Vault profile</th><th>Role</th><th>Path</th><th>Action</th><th>Held</th><th>Vault version</th>\
            <th>Gets</th><th>Fields</th><th>Compliance</th></tr></thead><tbody>\(rows)</tbody></table>
            <p class="muted">Held, vault version and fields as they were when the request was made. Fingerprints are keyed HMACs of \
            the whole content; fields are named, and no value is ever shown.</p>
            """
    }

    /// The vault version the target held when asked, then the one it holds since the change was written.
    static func versions(_ change: ApprovalTargetChange, request: ApprovalRequest, held: TargetStatus?) -> Markup {
        let before = change.fromVaultVersion ?? "-"
        guard let after = held?.vaultVersion, after != change.fromVaultVersion,
            request.state == .executed || (change.toFingerprint != nil && held?.fingerprint == change.toFingerprint)
        else { return "\(before)" }
        return "\(before) → \(after)"
    }

    static func gets(_ change: ApprovalTargetChange, binding: ApprovalBinding) -> Markup {
        if change.action == "delete" { return "<em>deleted</em>" }
        if change.action == "release" { return "<em>released (left in place)</em>" }
        if let fingerprint = change.toFingerprint { return UIPage.fingerprint(fingerprint) }
        guard !binding.generatedFields.isEmpty else { return UIPage.fingerprint(nil) }
        return "new value generated when applied for \(binding.generatedFields.joined(separator: ", "))"
    }

    static func fields(_ change: ApprovalTargetChange) -> Markup {
        if change.action == "delete" || change.action == "release" { return "-" }
        guard let fields = change.fields else { return "<span class=\"muted\">not read</span>" }
        guard !fields.isEmpty else { return "<span class=\"muted\">none</span>" }
        let kinds: [(String, [String])] = [("added", fields.added), ("removed", fields.removed), ("changed", fields.changed)]
        let lines: [Markup] = kinds.filter { !$0.1.isEmpty }.map { kind, names in
            let codes: [Markup] = names.map { "<code>\($0)</code> " }
            return "<div class=\"fields-\(kind)\">\(kind): \(codes)</div>"
        }
        return "\(lines)"
    }
}
