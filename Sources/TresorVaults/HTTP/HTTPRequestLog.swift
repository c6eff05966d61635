import CCurl
import Foundation

/// What the client's logging hook sees of one attempt: never a body, never a header.
public struct HTTPRequestLogEntry: Sendable, CustomStringConvertible {
    public var method: String
    /// The URL without user info or fragment, query values replaced by `REDACTED`.
    public var url: String
    /// nil when no answer came.
    public var status: Int?
    public var duration: Duration
    /// 1 for the first attempt, 2 for the first retry.
    public var attempt: Int
    public var errorKind: HTTPClientError.Kind?

    public init(method: String, url: String, status: Int?, duration: Duration, attempt: Int, errorKind: HTTPClientError.Kind? = nil) {
        self.method = method
        self.url = url
        self.status = status
        self.duration = duration
        self.attempt = attempt
        self.errorKind = errorKind
    }

    public var description: String {
        let outcome = status.map(String.init) ?? "error(\(errorKind?.rawValue ?? "unknown"))"
        let ms = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        return "\(method) \(url) -> \(outcome) in \(String(format: "%.1f", ms)) ms" + (attempt > 1 ? " (attempt \(attempt))" : "")
    }
}

/// The parts of a URL the client names in messages and logs.
struct HTTPURLParts: Sendable {
    var scheme: String
    /// host[:port], without user info.
    var hostPort: String
    /// scheme://host[:port]/path?name=REDACTED
    var redacted: String

    init(_ url: String) {
        if let parts = Self.plainParts(url) {
            (scheme, hostPort, redacted) = (parts.scheme, parts.hostPort, url)
            return
        }
        // Bytes, as curl reads them: a combining mark after `#`, `?`, `@` or `=` must not
        // hide it, as it would from a comparison of Characters. The fragment goes first, and
        // `://` starts the authority only before any `/` or `?`, so that neither the
        // fragment nor a query value can pass for a scheme.
        let slash = UInt8(ascii: "/"), question = UInt8(ascii: "?")
        var rest = Array(url.utf8)[...]
        if let hash = rest.firstIndex(of: UInt8(ascii: "#")) { rest = rest[..<hash] }
        var hasSeparator = false
        if let separator = rest.firstRange(of: Array("://".utf8)),
            !rest[..<separator.lowerBound].contains(where: { $0 == slash || $0 == question })
        {
            scheme = String(decoding: rest[..<separator.lowerBound], as: UTF8.self).lowercased()
            rest = rest[separator.upperBound...]
            hasSeparator = true
        } else {
            scheme = ""
        }
        let authorityEnd = rest.firstIndex(where: { $0 == slash || $0 == question }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: UInt8(ascii: "@")) { authority = authority[(at + 1)...] }
        hostPort = authority.isEmpty ? "(no host)" : String(decoding: authority, as: UTF8.self)
        let pathAndQuery = rest[authorityEnd...]
        var path = pathAndQuery
        var query: ArraySlice<UInt8>?
        if let mark = pathAndQuery.firstIndex(of: question) {
            path = pathAndQuery[..<mark]
            query = pathAndQuery[(mark + 1)...]
        }
        // The `://` stays even after an empty scheme: without it, `://a://user@host` would
        // read as a URL whose user info was kept.
        var result = (hasSeparator ? scheme + "://" : "") + String(decoding: authority + path, as: UTF8.self)
        if let query {
            let names = query.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true).map { pair -> String in
                guard let equals = pair.firstIndex(of: UInt8(ascii: "=")) else { return String(decoding: pair, as: UTF8.self) }
                return String(decoding: pair[..<equals], as: UTF8.self) + "=REDACTED"
            }
            result += "?" + names.joined(separator: "&")
        }
        redacted = result
    }

    /// Scheme and host of a `scheme://host[:port][/path]` URL with a lowercase scheme and no user info, query or
    /// fragment, which is then its own redacted form: one pass over the bytes, for the
    /// URL of every request.
    private static func plainParts(_ url: String) -> (scheme: String, hostPort: String)? {
        url.utf8.withContiguousStorageIfAvailable { bytes -> (scheme: String, hostPort: String)? in
            let colon = UInt8(ascii: ":"), slash = UInt8(ascii: "/")
            guard !bytes.contains(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") || $0 == UInt8(ascii: "@") }),
                let schemeEnd = bytes.firstIndex(where: { $0 == colon || $0 == slash }),
                schemeEnd > 0, !bytes[..<schemeEnd].contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }),
                schemeEnd + 2 < bytes.count, bytes[schemeEnd] == colon,
                bytes[schemeEnd + 1] == slash, bytes[schemeEnd + 2] == slash
            else { return nil }
            let hostStart = schemeEnd + 3
            let hostEnd = bytes[hostStart...].firstIndex(of: slash) ?? bytes.endIndex
            guard hostEnd > hostStart else { return nil }
            return (
                String(decoding: bytes[..<schemeEnd], as: UTF8.self),
                String(decoding: bytes[hostStart..<hostEnd], as: UTF8.self)
            )
        } ?? nil
    }
}

enum RetryAfter {
    /// Seconds (`Retry-After: 2`) or an HTTP date; nil when neither.
    static func parse(_ value: String, now: time_t = time(nil)) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed) { return .seconds(max(0, seconds)) }
        // Capped before the conversion to milliseconds, which traps past Int.max: a wait of
        // a year is refused by every caller as surely as one of 1e20 seconds.
        if let seconds = Double(trimmed), seconds.isFinite { return .milliseconds(Int(min(max(0, seconds), 31_536_000) * 1000)) }
        let date = trimmed.withCString { curl_getdate($0, nil) }
        guard date != -1 else { return nil }
        return .seconds(max(0, Int(date - now)))
    }
}
