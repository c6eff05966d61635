/// Manifest documents the suites build their inputs from, so that the shape of each kind
/// is written once. Every document ends with `---`, so documents are joined by `+`.
///
///     TestManifests.localProfile("main", "complianceProfile: strict")
///         + TestManifests.secret("db", "content:", "  username: app", "  password: {fromEnv: DB_PASSWORD}")
public enum TestManifests {
    /// A document of `kind` named `name`, its `spec` members one a line (block style, nested
    /// lines indented further).
    public static func document(_ kind: String, _ name: String, spec: [String]) -> String {
        document(kind, name, specLines: ["spec:"] + spec.map { "  " + $0 })
    }

    /// The lines of `text`, a block as it stands under `spec:` in a file (two spaces in),
    /// as `document` takes them.
    public static func specLines(_ text: String) -> [String] {
        text.split(separator: "\n").map { String($0.dropFirst(2)) }
    }

    /// A VaultProfile on the embedded local vault, its spec on one line; `spec` adds members
    /// (`complianceProfile: strict`).
    public static func localProfile(_ name: String, _ spec: String...) -> String {
        document("VaultProfile", name, specLines: ["spec: {" + (["provider: {local: {}}"] + spec).joined(separator: ", ") + "}"])
    }

    private static func document(_ kind: String, _ name: String, specLines: [String]) -> String {
        (["apiVersion: tresor.dev/v1alpha1", "kind: \(kind)", "metadata: {name: \(name)}"] + specLines + ["---", ""]).joined(separator: "\n")
    }

    /// An ApprovalProfile: `required` approvals from `approvers`, its spec on one line.
    public static func approvalProfile(_ name: String = "review", required: Int, approvers: [String]) -> String {
        document(
            "ApprovalProfile", name,
            specLines: ["spec: {requiredApprovals: \(required), approvers: [\(approvers.joined(separator: ", "))]}"])
    }

    /// A VaultProfile on `provider` (`hashicorp`, `aws`, …) with the provider's `members`, one
    /// a line; `spec` adds members beside `provider` (`approvalProfile: review`).
    public static func vaultProfile(_ name: String, _ provider: String, _ members: [String], spec: [String] = []) -> String {
        document("VaultProfile", name, spec: ["provider:", "  \(provider):"] + members.map { "    " + $0 } + spec)
    }

    /// A ComplianceProfile; by default `deny` of content shorter than 24 characters.
    public static func complianceProfile(
        _ name: String, enforcement: String = "deny", rules: [String] = ["{name: long, minLength: {min: 24}}"]
    ) -> String {
        document("ComplianceProfile", name, spec: ["enforcement: \(enforcement)", "rules:"] + rules.map { "  - " + $0 })
    }

    /// A Secret of `type` kept in `profile`; `spec` adds members (`syncVaultProfiles: [copy]`,
    /// `content: {…}`).
    public static func secret(_ name: String, type: String = "basicAuth", profile: String = "main", _ spec: String...) -> String {
        document("Secret", name, spec: ["type: \(type)", "vaultProfile: \(profile)"] + spec)
    }

    /// A basicAuth Secret in `source` copied to `sync`, its password generated.
    public static func generated(_ name: String, source: String, sync: [String], length: Int = 24, _ spec: String...) -> String {
        document(
            "Secret", name,
            spec: ["type: basicAuth", "vaultProfile: \(source)", "syncVaultProfiles: [\(sync.joined(separator: ", "))]"] + spec
                + ["content:", "  username: app", "  password: {generate: {length: \(length)}}"])
    }

    /// A basicAuth Secret in `profile` with an inline password.
    public static func inlinePassword(_ name: String, profile: String, password: String, _ spec: String...) -> String {
        document(
            "Secret", name,
            spec: ["type: basicAuth", "vaultProfile: \(profile)"] + spec
                + ["allowInlineValues: true", "content: {username: app, password: \"\(password)\"}"])
    }
}
