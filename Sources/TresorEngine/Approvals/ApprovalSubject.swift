import TresorCore

/// What an approvals file is about: a secret (`approvals/<name>.yaml`), or the rules of a
/// vault profile (`approvals/vaultprofile:<name>.yaml`). The `:` cannot appear in a
/// secret's name, so the two never share a file.
public enum ApprovalSubject {
    static let vaultProfilePrefix = "vaultprofile:"

    /// The subject of a change to `name`'s approval or compliance rules.
    public static func vaultProfile(_ name: String) -> String { vaultProfilePrefix + name }

    /// The vault profile a rules subject names; nil for a secret.
    public static func vaultProfileName(of subject: String) -> String? {
        guard subject.hasPrefix(vaultProfilePrefix) else { return nil }
        return String(subject.dropFirst(vaultProfilePrefix.count))
    }

    /// `secret 'db'` or `vault profile 'main'`, for messages.
    public static func described(_ subject: String) -> String {
        if let vaultProfile = vaultProfileName(of: subject) { return "vault profile " + ObjectNames.quoted(vaultProfile) }
        return "secret " + ObjectNames.quoted(subject)
    }

    /// True when `subject` names a secret or a vault profile validly, and so may become a
    /// file name in the state directory.
    public static func isValid(_ subject: String) -> Bool {
        ObjectNames.isValid(vaultProfileName(of: subject) ?? subject)
    }
}
