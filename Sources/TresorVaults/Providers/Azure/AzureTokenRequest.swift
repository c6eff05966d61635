import Foundation
import TresorCore

/// The OAuth2 client-credentials request to Microsoft Entra ID (v2.0 endpoint) for a Key
/// Vault token: `POST {authorityHost}/{tenantId}/oauth2/v2.0/token`.
struct AzureTokenRequest: Sendable {
    let config: AzureProvider
    let profile: String
    let endpoint: RESTEndpoint
    let url: String
    let credentials: @Sendable (CredentialSource) throws -> String

    init(config: AzureProvider, profile: String, tls: TLSOptions, http: any HTTPClient, credentials: @escaping @Sendable (CredentialSource) throws -> String) {
        self.config = config
        self.profile = profile
        var authority = config.authorityHost.flatMap { $0.isEmpty ? nil : $0 } ?? AzureAdapter.defaultAuthority
        while authority.hasSuffix("/") { authority.removeLast() }
        url = authority + "/" + config.tenantId + "/oauth2/v2.0/token"
        endpoint = RESTEndpoint(
            server: "the Entra ID token endpoint \(url)", tls: tls, http: http, addressSetting: "azure.authorityHost and azure.tenantId",
            api: "the OAuth 2.0 token API")
        self.credentials = credentials
    }

    func fetch() async throws -> AccessTokenCache.Grant {
        let form = [
            ("grant_type", "client_credentials"), ("client_id", try credentials(config.clientId)),
            ("client_secret", try credentials(config.clientSecret)), ("scope", AzureAdapter.scope),
        ].map { $0.0 + "=" + FormEncoding.escape($0.1) }.joined(separator: "&")
        let request = HTTPRequest(
            method: "POST", url: url, headers: [(name: "Content-Type", value: "application/x-www-form-urlencoded"), (name: "Accept", value: "application/json")],
            body: Array(form.utf8))
        let response = try await endpoint.send(request, what: "the client-credentials token request")
        guard response.status == 200 else {
            throw endpoint.tokenFailure(
                response,
                refused: "check the credentials of vault profile '\(profile)': azure.clientId (\(Self.describe(config.clientId))), azure.clientSecret (\(Self.describe(config.clientSecret))) and azure.tenantId '\(config.tenantId)'")
        }
        return try OAuthTokenResponse.grant(response, server: endpoint.server)
    }

    static func describe(_ source: CredentialSource) -> String {
        switch source {
        case .fromEnv(let name): "from environment variable \(name)"
        case .fromFile(let path): "from file \(path)"
        case .sealed: "sealed"
        }
    }
}
