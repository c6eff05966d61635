import Foundation
import TresorCore

/// The JSON of an OAuth2 token answer (RFC 6749 §5.1), as Entra ID and Google send it.
struct OAuthTokenResponse: Decodable, Sendable {
    var access_token: String?
    var expires_in: Int?

    /// The grant in a 200 answer; a body without a token is an error naming the server.
    static func grant(_ response: HTTPResponse, server: String) throws -> AccessTokenCache.Grant {
        guard let body = try? JSONDecoder().decode(OAuthTokenResponse.self, from: Data(response.body)), let token = body.access_token,
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
        guard let parsed = try? JSONDecoder().decode(OAuthErrorBody.self, from: Data(body)) else { return nil }
        let text = [parsed.error, parsed.error_description].compactMap { $0 }.joined(separator: ": ")
        return text.isEmpty ? nil : text
    }
}

/// `application/x-www-form-urlencoded` values.
enum FormEncoding {
    static func escape(_ value: String) -> String {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
