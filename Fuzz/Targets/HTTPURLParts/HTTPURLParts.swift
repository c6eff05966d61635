import FuzzSupport

@testable import TresorVaults

/// `HTTPURLParts`: how the HTTP client names a URL in errors and request logs.
///
/// Properties, on the bytes of the redacted form (what curl would act on): its
/// authority has no user info, it has no fragment, and every query value is `REDACTED`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPURLParts(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzing(data, size) { input in
        let parts = HTTPURLParts(input.text)
        let redacted = Array(parts.redacted.utf8)
        property(!parts.hostPort.utf8.contains(UInt8(ascii: "@")), "a URL's host keeps user info")
        property(!redacted.contains(UInt8(ascii: "#")), "a redacted URL keeps a fragment")
        // As RFC 3986 reads it: `://` ends a scheme only before any `/` or `?`.
        let isDelimiter = { (byte: UInt8) in byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") }
        let separator = firstOffset(of: Array("://".utf8), in: redacted).flatMap { offset in
            redacted[..<offset].contains(where: isDelimiter) ? nil : offset
        }
        let authority = redacted[(separator.map { $0 + 3 } ?? 0)...].prefix { !isDelimiter($0) }
        property(!authority.contains(UInt8(ascii: "@")), "a redacted URL keeps user info")
        if let question = redacted.firstIndex(of: UInt8(ascii: "?")) {
            for pair in redacted[(question + 1)...].split(separator: UInt8(ascii: "&")) {
                guard let equals = pair.firstIndex(of: UInt8(ascii: "=")) else { continue }
                property(pair[(equals + 1)...].elementsEqual("REDACTED".utf8), "a redacted URL keeps a query value")
            }
        }
    }
}
