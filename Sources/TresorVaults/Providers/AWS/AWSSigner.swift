import Crypto
import Foundation
import TresorCore

/// AWS Signature Version 4 with HMAC-SHA256 (swift-crypto), for header-signed requests.
///
/// libcurl's `CURLOPT_AWS_SIGV4` is not used: libcurl 7.88 signs only the headers it
/// chooses, and Secrets Manager needs `X-Amz-Target` and, with temporary credentials,
/// `X-Amz-Security-Token` signed too. Checked against AWS's published SigV4 test suite
/// (`AWSSignerTests`).
struct AWSSigner: Sendable {
    struct Credentials: Sendable, Hashable {
        var accessKeyId: String
        var secretAccessKey: String
        var sessionToken: String?
    }

    let region: String
    let service: String

    static let algorithm = "AWS4-HMAC-SHA256"

    /// One request as signed: the headers to add and the intermediate texts (for tests).
    struct Signed: Sendable {
        /// `X-Amz-Date`, `X-Amz-Security-Token` (with a session token) and `Authorization`.
        var headers: [(name: String, value: String)]
        var canonicalRequest: String
        var stringToSign: String
        var signature: String
        var authorization: String
    }

    /// Signs a request. `headers` must hold `Host` and every other header to sign; the
    /// date and session token headers are added and signed here.
    /// - Parameters:
    ///   - path: the absolute path, already URI-encoded.
    ///   - query: the raw query string without `?` (its pairs are sorted here).
    func sign(
        method: String, path: String, query: String = "", headers: [(name: String, value: String)], payload: [UInt8],
        credentials: Credentials, date: Date
    ) -> Signed {
        let stamp = Self.timestamp(date)
        let day = String(stamp.prefix(8))
        var all = headers
        all.append((name: "X-Amz-Date", value: stamp))
        if let token = credentials.sessionToken { all.append((name: "X-Amz-Security-Token", value: token)) }

        var canonicalHeaders: [String: String] = [:]
        for (name, value) in all {
            let key = name.lowercased()
            let trimmed = Self.collapseSpaces(value)
            canonicalHeaders[key] = canonicalHeaders[key].map { $0 + "," + trimmed } ?? trimmed
        }
        let names = canonicalHeaders.keys.sorted()
        let signedHeaders = names.joined(separator: ";")
        let canonicalRequest = [
            method,
            path.isEmpty ? "/" : path,
            Self.canonicalQuery(query),
            names.map { "\($0):\(canonicalHeaders[$0] ?? "")\n" }.joined(),
            signedHeaders,
            Hex.encode(SHA256.hash(data: payload)),
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            Self.algorithm, stamp, scope, Hex.encode(SHA256.hash(data: Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")
        let key = signingKey(secret: credentials.secretAccessKey, day: day)
        let signature = Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
        let authorization =
            "\(Self.algorithm) Credential=\(credentials.accessKeyId)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        var added = all.filter { $0.name == "X-Amz-Date" || $0.name == "X-Amz-Security-Token" }
        added.append((name: "Authorization", value: authorization))
        return Signed(
            headers: added, canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature,
            authorization: authorization)
    }

    /// `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request")`.
    func signingKey(secret: String, day: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + secret).utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return key
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC, without a DateFormatter (costly per request).
    static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))T\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z"
    }

    /// Leading and trailing spaces removed, inner runs of spaces made one.
    static func collapseSpaces(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
    }

    /// Pairs sorted by name, then value; both as given (callers send them encoded).
    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&").map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
        return pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }
}
