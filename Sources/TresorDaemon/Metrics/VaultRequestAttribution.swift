import TresorCore
import TresorVaults

/// Names the vault profile and operation behind a request URL. The HTTP client is shared
/// by every profile and its hook sees only method and redacted URL, so the profile is the
/// one with the longest matching route prefix (each provider says its routes); among
/// equal prefixes (two profiles on one server) the first by name wins.
struct VaultRequestAttribution: Sendable {
    private var routes: [(route: VaultRequestRoute, profile: String, registration: VaultProviderRegistration)] = []

    init(_ profiles: [String: VaultProfile]) {
        for (name, profile) in profiles.sorted(by: { $0.key < $1.key }) {
            guard let registration = VaultProviders.registration(for: profile.spec.provider.technology) else { continue }
            for route in registration.requestRoutes(for: profile.spec.provider) {
                routes.append((route, name, registration))
            }
        }
        // Longest first; the stable sort keeps name order among equals.
        routes = routes.enumerated().sorted {
            let (lhs, rhs) = ($0.element.route.prefix.count, $1.element.route.prefix.count)
            return lhs != rhs ? lhs > rhs : $0.offset < $1.offset
        }.map(\.element)
    }

    private func match(_ url: String) -> (route: VaultRequestRoute, profile: String, registration: VaultProviderRegistration)? {
        routes.first { url.hasPrefix($0.route.prefix) }
    }

    func profile(for url: String) -> String? { match(url)?.profile }

    /// read, write, delete, list or login, as the provider of the matching route says;
    /// by the method alone for a URL no profile claims.
    func operation(_ method: String, url: String) -> String {
        if let match = match(url) { return match.registration.operation(method, url: url, route: match.route) }
        switch method.uppercased() {
        case "GET", "HEAD": return "read"
        case "DELETE": return "delete"
        default: return "write"
        }
    }
}
