import Testing
import TresorCore

@testable import TresorDaemon

/// Which vault profile and operation a request URL is counted under, for every provider.
@Suite("Request attribution for the vault metrics")
struct VaultRequestAttributionTests {
    static let manifests = """
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: bao}
        spec: {provider: {hashicorp: {address: "https://bao.internal:8200", mount: kv, auth: {token: {fromEnv: T}}}}}
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: aws}
        spec: {provider: {aws: {region: eu-west-1, endpoint: "http://127.0.0.1:5000"}}}
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: azure}
        spec:
          provider:
            azure: {vaultUrl: "https://pay.vault.azure.net", tenantId: t1, clientId: {fromEnv: A}, clientSecret: {fromEnv: B}}
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: gcp}
        spec: {provider: {gcp: {project: p1}}}
        ---
        apiVersion: tresor.dev/v1alpha1
        kind: VaultProfile
        metadata: {name: k8s}
        spec: {provider: {kubernetes: {server: "https://k8s.internal:6443", namespace: payments}}}
        """

    static func attribution() -> VaultRequestAttribution {
        let result = ManifestLoader().load([ManifestFile(path: "profiles.yaml", bytes: Array(manifests.utf8))])
        return VaultRequestAttribution(result.state.vaultProfiles)
    }

    @Test func awsRequestsAreCountedUnderTheirProfile() {
        #expect(Self.attribution().profile(for: "http://127.0.0.1:5000/") == "aws")
    }

    @Test func eachProvidersRequestsAndLoginsAreCountedUnderTheirProfile() {
        let attribution = Self.attribution()
        let cases: [(method: String, url: String, profile: String?, operation: String)] = [
            ("GET", "https://bao.internal:8200/v1/kv/data/db", "bao", "read"),
            ("GET", "https://bao.internal:8200/v1/kv/metadata/?list=true", "bao", "list"),
            ("POST", "https://bao.internal:8200/v1/auth/approle/login", "bao", "login"),
            ("POST", "http://127.0.0.1:5000/", "aws", "write"),
            ("GET", "https://pay.vault.azure.net/secrets/db--main?api-version=7.4", "azure", "read"),
            ("GET", "https://pay.vault.azure.net/secrets?api-version=7.4&maxresults=25", "azure", "list"),
            ("PUT", "https://pay.vault.azure.net/secrets/db--main?api-version=7.4", "azure", "write"),
            ("POST", "https://login.microsoftonline.com/t1/oauth2/v2.0/token", "azure", "login"),
            ("GET", "https://secretmanager.googleapis.com/v1/projects/p1/secrets/db__main/versions/latest:access", "gcp", "read"),
            ("GET", "https://secretmanager.googleapis.com/v1/projects/p1/secrets?filter=REDACTED", "gcp", "list"),
            ("DELETE", "https://secretmanager.googleapis.com/v1/projects/p1/secrets/db__main", "gcp", "delete"),
            ("POST", "https://oauth2.googleapis.com/token", "gcp", "login"),
            ("GET", "https://k8s.internal:6443/api/v1/namespaces/payments/secrets/db.main", "k8s", "read"),
            ("GET", "https://k8s.internal:6443/api/v1/namespaces/payments/secrets?labelSelector=REDACTED", "k8s", "list"),
            ("POST", "https://k8s.internal:6443/api/v1/namespaces/payments/secrets", "k8s", "write"),
            ("GET", "https://elsewhere.example/", nil, "read"),
        ]
        for request in cases {
            #expect(attribution.profile(for: request.url) == request.profile, "\(request.url)")
            #expect(attribution.operation(request.method, url: request.url) == request.operation, "\(request.method) \(request.url)")
        }
    }
}
