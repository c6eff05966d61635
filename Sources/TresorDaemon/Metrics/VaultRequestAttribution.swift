import TresorCore

/// Names the vault profile behind a request URL. The HTTP client is shared by every
/// profile and its hook sees only method and redacted URL, so the profile is the one
/// whose `address/v1/mount/` prefix is the longest match; a URL outside every mount
/// (a login) goes to the first profile, by name, with that address.
struct VaultRequestAttribution: Sendable {
    private var prefixes: [(prefix: String, profile: String)] = []

    init(_ profiles: [String: VaultProfile]) {
        for (name, profile) in profiles.sorted(by: { $0.key < $1.key }) {
            guard case .hashicorp(let config) = profile.spec.provider else { continue }
            let address = config.address.hasSuffix("/") ? String(config.address.dropLast()) : config.address
            prefixes.append((address + "/v1/" + config.mount + "/", name))
            prefixes.append((address + "/", name))
        }
        // Longest first; the stable sort keeps name order among equals.
        prefixes = prefixes.enumerated().sorted {
            $0.element.prefix.count != $1.element.prefix.count ? $0.element.prefix.count > $1.element.prefix.count : $0.offset < $1.offset
        }.map(\.element)
    }

    func profile(for url: String) -> String? {
        prefixes.first { url.hasPrefix($0.prefix) }?.profile
    }

    /// read, write, delete, list or login, from the method and path.
    static func operation(_ method: String, url: String) -> String {
        if url.contains("/v1/auth/") { return "login" }
        switch method.uppercased() {
        case "GET", "HEAD": return url.contains("list=true") || url.contains("list=REDACTED") ? "list" : "read"
        case "LIST": return "list"
        case "DELETE": return "delete"
        default: return "write"
        }
    }
}
