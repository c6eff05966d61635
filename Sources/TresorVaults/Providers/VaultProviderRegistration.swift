import TresorCore

/// What building one profile's adapter needs besides its provider block.
public struct AdapterContext: Sendable {
    /// The VaultProfile's name, for messages.
    public var profile: String
    /// The client every HTTP adapter shares; nil when no profile needs one.
    public var http: (any HTTPClient)?
    /// Turns a credential source into its value; called for every use, so rotated
    /// credentials are picked up.
    public var credentials: @Sendable (CredentialSource) throws -> String
    /// The embedded vault's defaults (`<state-dir>/vaults/<profile>`, `<state-dir>/local.key`).
    public var localDirectory: String
    public var localKeyFile: String
    /// Where in-cluster and service-account defaults are looked up.
    public var environment: [String: String]
    /// For a command that writes nothing: the embedded vault makes no directory and no key.
    public var readOnly: Bool

    public init(
        profile: String, http: (any HTTPClient)?, credentials: @escaping @Sendable (CredentialSource) throws -> String,
        localDirectory: String, localKeyFile: String, environment: [String: String], readOnly: Bool = false
    ) {
        self.profile = profile
        self.http = http
        self.credentials = credentials
        self.localDirectory = localDirectory
        self.localKeyFile = localKeyFile
        self.environment = environment
        self.readOnly = readOnly
    }

    /// The shared HTTP client, or an error naming the profile.
    public func requireHTTP() throws -> any HTTPClient {
        guard let http else { throw VaultError(.invalidRequest, "vault profile '\(profile)': no HTTP client") }
        return http
    }
}

/// Where one profile's requests go, so that metrics can name the profile and operation
/// from a request's method and redacted URL alone.
public struct VaultRequestRoute: Sendable, Hashable {
    /// Requests whose URL starts with this belong to the route.
    public var prefix: String
    /// A route to an identity service: every request on it is a login.
    public var isLogin: Bool

    public init(prefix: String, isLogin: Bool = false) {
        self.prefix = prefix
        self.isLogin = isLogin
    }
}

/// One provider: how its adapter is built and where its requests go. Each provider
/// folder defines its own; ``VaultProviders/all`` lists them.
public struct VaultProviderRegistration: Sendable {
    public let technology: ProviderBlock.Field
    /// False only for the embedded vault.
    public let usesHTTP: Bool
    let make: @Sendable (Provider, AdapterContext) throws -> (any VaultAdapter)?
    let routes: @Sendable (Provider) -> [VaultRequestRoute]
    let listing: @Sendable (_ method: String, _ url: String) -> Bool

    /// - Parameters:
    ///   - make: the adapter for a provider block of this technology (nil for any other).
    ///   - routes: URL prefixes of a profile's requests, longest match wins across profiles.
    ///   - listing: whether a request (not a login) lists secrets rather than reads one.
    public init(
        technology: ProviderBlock.Field, usesHTTP: Bool = true,
        make: @escaping @Sendable (Provider, AdapterContext) throws -> (any VaultAdapter)?,
        routes: @escaping @Sendable (Provider) -> [VaultRequestRoute] = { _ in [] },
        listing: @escaping @Sendable (_ method: String, _ url: String) -> Bool = { _, _ in false }
    ) {
        self.technology = technology
        self.usesHTTP = usesHTTP
        self.make = make
        self.routes = routes
        self.listing = listing
    }

    /// The adapter for `provider`, which must be of this technology.
    public func adapter(for provider: Provider, context: AdapterContext) throws -> any VaultAdapter {
        guard let adapter = try make(provider, context) else {
            throw VaultError(
                .invalidRequest,
                "vault profile '\(context.profile)': a \(provider.technology.rawValue) block given to the \(technology.rawValue) provider")
        }
        return adapter
    }

    public func requestRoutes(for provider: Provider) -> [VaultRequestRoute] { routes(provider) }

    /// read, write, delete, list or login, from the method and URL of a request on `route`.
    public func operation(_ method: String, url: String, route: VaultRequestRoute) -> String {
        if route.isLogin { return "login" }
        switch method.uppercased() {
        case "GET", "HEAD": return listing(method, url) ? "list" : "read"
        case "LIST": return "list"
        case "DELETE": return "delete"
        default: return "write"
        }
    }
}
