/// Object names where they become file names in the state directory (`status/Secret/<name>.yaml`,
/// `approvals/<name>.yaml`): only a valid name reaches a path, and names from the command
/// line are shown with their control characters escaped.
public enum ObjectNames {
    /// A DNS-1123 subdomain: no `/`, no `..`, nothing a terminal would act on.
    public static func isValid(_ name: String) -> Bool { Names.isObjectName(name) }

    /// The name for a message: control characters escaped (`\u{1B}`), long names shortened.
    public static func quoted(_ name: String) -> String { "'" + Text.short(name) + "'" }

    /// Why `name` cannot name a secret in the state directory; nil when it can.
    public static func problem(_ name: String) -> String? {
        guard !isValid(name) else { return nil }
        return "\(quoted(name)) is not a secret name (lowercase letters, digits, '-' and '.', at most 253 characters); "
            + "nothing outside the state directory is read"
    }
}
