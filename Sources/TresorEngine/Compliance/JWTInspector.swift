import Foundation

/// What a compact JWS says about itself (RFC 7515 §7.1, RFC 7519): its `alg` and `exp`.
/// The signature is not verified: tresor holds no verification key.
struct JWTFacts: Sendable, Hashable {
    var algorithm: String
    var expiresAt: Date?
}

enum JWTInspector {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    static func inspect(_ token: String) throws -> JWTFacts {
        let parts = token.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw Malformed(description: "content is not a compact JWS: expected 3 dot-separated parts, found \(parts.count)")
        }
        guard let header = object(parts[0]) else { throw Malformed(description: "the JWT header is not base64url-encoded JSON") }
        guard let payload = object(parts[1]) else { throw Malformed(description: "the JWT payload is not base64url-encoded JSON") }
        guard let algorithm = header["alg"] as? String else { throw Malformed(description: "the JWT header has no 'alg'") }
        var expiresAt: Date?
        if let exp = payload["exp"] {
            let seconds = (exp as? Int).map(Double.init) ?? (exp as? Double) ?? (exp as? NSNumber)?.doubleValue
            guard let seconds, !(exp is Bool) else {
                throw Malformed(description: "the JWT claim 'exp' is not a NumericDate")
            }
            expiresAt = Date(timeIntervalSince1970: seconds)
        }
        if algorithm != "none", parts[2].isEmpty { throw Malformed(description: "the JWT has no signature") }
        return JWTFacts(algorithm: algorithm, expiresAt: expiresAt)
    }

    /// base64url without padding (RFC 7515 §2) holding a JSON object.
    static func object(_ part: Substring) -> [String: Any]? {
        guard !part.isEmpty, part.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            return nil
        }
        var base64 = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }
}
