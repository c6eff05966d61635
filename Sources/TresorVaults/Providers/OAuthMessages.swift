import Foundation
import TresorCore

/// The JSON of an OAuth2 token answer (RFC 6749 §5.1), as Entra ID and Google send it.
struct OAuthTokenResponse: Decodable, Sendable {
    var access_token: String?
    var expires_in: Int?

    /// The grant in a 200 answer; a body without a token is an error naming the server.
    static func grant(_ response: HTTPResponse, server: String) throws -> AccessTokenCache.Grant {
        guard let body = try? JSONDecoder().decodeBounded(OAuthTokenResponse.self, from: Data(response.body)), let token = body.access_token,
            !token.isEmpty
        else {
            throw VaultError(.corrupted, "\(server) answered without an access_token; is it an OAuth2 token endpoint?")
        }
        return AccessTokenCache.Grant(token: token, lifetime: .seconds(max(body.expires_in ?? 3600, 1)))
    }
}

/// An OAuth2 error answer (RFC 6749 §5.2): `error` and `error_description` name the
/// problem, never the secret sent.
struct OAuthErrorBody: Decodable, Sendable {
    var error: String?
    var error_description: String?

    static func summary(_ body: [UInt8]) -> String? {
        guard let parsed = try? JSONDecoder().decodeBounded(OAuthErrorBody.self, from: Data(body)) else { return nil }
        let text = [parsed.error, parsed.error_description].compactMap { $0 }.joined(separator: ": ")
        return text.isEmpty ? nil : text
    }
}

extension RESTEndpoint {
    /// The error for a token endpoint's answer other than 200; `refused` says what to
    /// check when it refuses the credentials (400, 401 or 403, with an OAuth2 error).
    func tokenFailure(_ response: HTTPResponse, refused: String) -> VaultError {
        let said = OAuthErrorBody.summary(response.body).map { " (\($0))" } ?? ""
        switch response.status {
        case 400, 401, 403:
            return VaultError(.permissionDenied, "\(server) refused the credentials with HTTP \(response.status)\(said): \(refused)")
        case 429:
            return VaultError(.rateLimited, "\(server) throttled the token request\(said)\(Self.retryAdvice(response))")
        case 500...599:
            return VaultError(.unavailable, "\(server) failed the token request with HTTP \(response.status)\(said); retry")
        default:
            return VaultError(.invalidRequest, "\(server) answered the token request with HTTP \(response.status)\(said)")
        }
    }
}

/// `application/x-www-form-urlencoded` values.
enum FormEncoding {
    static func escape(_ value: String) -> String {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
