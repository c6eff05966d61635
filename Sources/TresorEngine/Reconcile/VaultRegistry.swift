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
        let needsHTTP = profiles.values.contains { VaultProviders.registration(for: $0.spec.provider.technology)?.usesHTTP ?? false }
        let client: (any HTTPClient)? = needsHTTP ? http() : nil
        adapters = [:]
        problems = [:]
        disabled = Set(profiles.filter { !$0.value.spec.enabled }.keys)
        for (name, profile) in profiles where profile.spec.enabled {
            let technology = profile.spec.provider.technology
            guard let registration = VaultProviders.registration(for: technology) else {
                problems[name] = "vault profile '\(name)': this build has no \(technology.rawValue) provider"
                continue
            }
            if let refusal = store.localProviderRefusal(profile: name, provider: profile.spec.provider) {
                problems[name] = refusal
                continue
            }
            let credentials = CredentialResolver(environment: environment, profile: name, sealed: sealed)
            let context = AdapterContext(
                profile: name, http: client, credentials: { try credentials.resolve($0) },
                localDirectory: store.localVaultDirectory(profile: name), localKeyFile: store.localKeyPath, environment: environment,
                readOnly: store.readOnly)
            do {
                adapters[name] = store.fenced(try registration.adapter(for: profile.spec.provider, context: context), profile: name)
            } catch {
                problems[name] = "\(error)"
            }
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
