import Crypto
import Foundation
import TresorCore
import _CryptoExtras

/// A service-account key file and the token exchange it allows (Google's "OAuth 2.0 for
/// server to server applications"): an RS256 JWT with `iss` = `client_email`, `scope`
/// `https://www.googleapis.com/auth/cloud-platform` and `aud` = the file's `token_uri`,
/// exchanged at `token_uri` (`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`)
/// for an access token. The file is read for every exchange, so a rotated key is picked up.
struct GCPServiceAccount: Sendable {
    static let scope = "https://www.googleapis.com/auth/cloud-platform"
    static let defaultTokenURI = "https://oauth2.googleapis.com/token"

    /// The fields of the key file tresor uses.
    struct KeyFile: Decodable, Sendable {
        var type: String?
        var client_email: String?
        var private_key: String?
        var private_key_id: String?
        var token_uri: String?
    }

    let file: String
    let profile: String
    let tls: TLSOptions
    let http: any HTTPClient

    func fetch() async throws -> AccessTokenCache.Grant {
        let key = try readKeyFile()
        let tokenURI = key.token_uri.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultTokenURI
        guard tokenURI.hasPrefix("https://") || (tokenURI.hasPrefix("http://") && Names.isLoopbackURL(tokenURI)) else {
            throw VaultError(
                .invalidRequest,
                "vault profile '\(profile)': the token_uri '\(tokenURI)' in \(file) must be https:// (plain http:// only on a loopback address)")
        }
        let assertion = try jwt(key, audience: tokenURI)
        let endpoint = RESTEndpoint(
            server: "the Google token endpoint \(tokenURI)", tls: tls, http: http, addressSetting: "token_uri in \(file)",
            api: "the OAuth 2.0 token API")
        let form = "grant_type=" + FormEncoding.escape("urn:ietf:params:oauth:grant-type:jwt-bearer") + "&assertion=" + assertion
        let response = try await endpoint.send(
            HTTPRequest(
                method: "POST", url: tokenURI,
                headers: [(name: "Content-Type", value: "application/x-www-form-urlencoded"), (name: "Accept", value: "application/json")],
                body: Array(form.utf8)),
            what: "the JWT bearer token request")
        guard response.status == 200 else {
            throw endpoint.tokenFailure(
                response,
                refused: "the service account \(key.client_email ?? "?") of \(file) (vault profile '\(profile)') must be active with this key, and the machine's clock right")
        }
        return try OAuthTokenResponse.grant(response, server: endpoint.server)
    }

    func readKeyFile() throws -> KeyFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw VaultError(.invalidRequest, "vault profile '\(profile)': the service-account key file \(file) cannot be read; check gcp.credentialsFile")
        }
        guard let key = try? JSONDecoder().decodeBounded(KeyFile.self, from: data), key.type == "service_account", key.client_email != nil,
            key.private_key != nil
        else {
            throw VaultError(
                .invalidRequest,
                "vault profile '\(profile)': \(file) is not a service-account key file (JSON with type service_account, client_email and private_key)")
        }
        return key
    }

    /// The signed assertion, valid for an hour from now.
    func jwt(_ key: KeyFile, audience: String) throws -> String {
        let signer: _RSA.Signing.PrivateKey
        do {
            signer = try _RSA.Signing.PrivateKey(pemRepresentation: key.private_key ?? "")
        } catch {
            throw VaultError(.invalidRequest, "vault profile '\(profile)': the private_key in \(file) is not an RSA key in PEM")
        }
        let now = Int(Date().timeIntervalSince1970)
        var header = ["alg": "RS256", "typ": "JWT"]
        if let id = key.private_key_id { header["kid"] = id }
        let claims: [String: JSONValue] = [
            "iss": .string(key.client_email ?? ""), "scope": .string(Self.scope), "aud": .string(audience), "iat": .int(now),
            "exp": .int(now + 3600),
        ]
        let input = Base64URL.encode(try JSONEncoder.canonical.encode(header)) + "." + Base64URL.encode(try JSONEncoder.canonical.encode(claims))
        let signature = try signer.signature(for: Array(input.utf8), padding: .insecurePKCS1v1_5)
        return input + "." + Base64URL.encode(signature.rawRepresentation)
    }

    /// A claim's value.
    enum JSONValue: Encodable {
        case string(String)
        case int(Int)

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let text): try container.encode(text)
            case .int(let number): try container.encode(number)
            }
        }
    }
}

/// Base64 with the URL alphabet and no padding (RFC 7515 §2).
enum Base64URL {
    static func encode<Bytes: DataProtocol>(_ bytes: Bytes) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
