import Foundation
import TresorCore
import TresorVaults

/// The adapter of each vault profile, built once per run from the manifests.
public struct VaultRegistry: Sendable {
    public struct UnavailableError: Error, CustomStringConvertible {
        public var description: String
    }

    private var adapters: [String: any VaultAdapter]
    private var problems: [String: String]
    /// Profiles with `enabled: false`: their secrets and copies are left untouched.
    public private(set) var disabled: Set<String>

    public init(adapters: [String: any VaultAdapter], disabled: Set<String> = []) {
        self.adapters = adapters
        self.problems = [:]
        self.disabled = disabled
    }

    /// Builds an adapter per enabled profile. A profile whose adapter cannot be built is
    /// remembered with the reason, so only the secrets that use it fail.
    /// - Parameters:
    ///   - http: the client every HTTP adapter shares (connection reuse, one curl_multi loop).
    ///   - environment: where `fromEnv` credentials are looked up.
    ///   - sealed: sealed credentials, opened before the run.
    public init(
        profiles: [String: VaultProfile], store: StateStore, http: @autoclosure () -> any HTTPClient = CurlHTTPClient(),
        environment: [String: String] = ProcessInfo.processInfo.environment, sealed: SealedValues = SealedValues()
    ) {
        let needsHTTP = profiles.values.contains { if case .local = $0.spec.provider { false } else { true } }
        let client: (any HTTPClient)? = needsHTTP ? http() : nil
        adapters = [:]
        problems = [:]
        disabled = Set(profiles.filter { !$0.value.spec.enabled }.keys)
        for (name, profile) in profiles where profile.spec.enabled {
            do {
                adapters[name] = try Self.makeAdapter(
                    name: name, profile: profile, store: store, http: client, environment: environment, sealed: sealed)
            } catch {
                problems[name] = "\(error)"
            }
        }
    }

    static func makeAdapter(
        name: String, profile: VaultProfile, store: StateStore, http: (any HTTPClient)?, environment: [String: String],
        sealed: SealedValues
    ) throws -> any VaultAdapter {
        switch profile.spec.provider {
        case .local(let local):
            return try LocalAdapter(
                directory: local.path ?? store.localVaultDirectory(profile: name), keyFile: local.keyFile ?? store.localKeyPath)
        case .hashicorp(let config):
            guard let http else { throw UnavailableError(description: "vault profile '\(name)': no HTTP client") }
            let credentials = CredentialResolver(environment: environment, profile: name, sealed: sealed)
            return HashiCorpAdapter(config: config, http: http, credentials: { try credentials.resolve($0) })
        case .aws(let config):
            guard let http else { throw UnavailableError(description: "vault profile '\(name)': no HTTP client") }
            let credentials = CredentialResolver(environment: environment, profile: name, sealed: sealed)
            return AWSAdapter(config: config, profile: name, http: http, credentials: { try credentials.resolve($0) })
        case .azure, .gcp, .kubernetes:
            throw UnavailableError(
                description: "vault profile '\(name)': the \(profile.spec.provider.technology.rawValue) provider is not available in this build")
        }
    }

    public func isDisabled(_ profile: String) -> Bool { disabled.contains(profile) }

    public func adapter(for profile: String) throws -> any VaultAdapter {
        if let adapter = adapters[profile] { return adapter }
        if disabled.contains(profile) {
            throw UnavailableError(description: "vault profile '\(profile)' is disabled (spec.enabled: false)")
        }
        throw UnavailableError(description: problems[profile] ?? "vault profile '\(profile)' is not declared")
    }
}
