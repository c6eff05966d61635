/// Syntax checks for names, labels, paths, URLs and environment variable names.
public enum Names {
    /// A DNS-1123 subdomain, as Kubernetes object names: it is also safe as a file name.
    static func isObjectName(_ name: String) -> Bool {
        let bytes = name.utf8
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        // Each dot-separated segment is [a-z0-9]([-a-z0-9]*[a-z0-9])?.
        var previous = UInt8(ascii: ".")
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "."): guard isLowerAlnum(previous) else { return false }
            case UInt8(ascii: "-"): guard previous != UInt8(ascii: ".") else { return false }
            default: guard isLowerAlnum(byte) else { return false }
            }
            previous = byte
        }
        return isLowerAlnum(previous)
    }

    /// A Kubernetes label key: an optional DNS prefix and `/`, then a name of up to 63 characters.
    static func isLabelKey(_ key: String) -> Bool {
        let parts = key.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2, !(isObjectName(String(parts[0])) && parts[0].utf8.count <= 253) { return false }
        return isLabelName(String(parts.last!), allowEmpty: false)
    }

    static func isLabelValue(_ value: String) -> Bool { isLabelName(value, allowEmpty: true) }

    private static func isLabelName(_ name: String, allowEmpty: Bool) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty else { return allowEmpty }
        guard bytes.count <= 63, isAlnum(bytes[0]), isAlnum(bytes[bytes.count - 1]) else { return false }
        return bytes.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    /// A relative path of segments without `.`, `..` or empty parts.
    static func isRelativePath(_ path: String) -> Bool {
        guard !path.isEmpty, path.utf8.count <= 512 else { return false }
        var segmentLength = 0
        var dots = 0
        for byte in path.utf8 {
            if byte == UInt8(ascii: "/") {
                guard segmentLength > 0, dots < segmentLength || segmentLength > 2 else { return false }
                segmentLength = 0
                dots = 0
                continue
            }
            guard isAlnum(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") else {
                return false
            }
            segmentLength += 1
            if byte == UInt8(ascii: ".") { dots += 1 }
        }
        return segmentLength > 0 && (dots < segmentLength || segmentLength > 2)
    }

    /// A key of a `keyValue` map, as Kubernetes Secret data keys.
    static func isDataKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= 253 && key != "." && key != ".."
            && key.utf8.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    static func isEnvironmentName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else { return false }
        return name.utf8.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "_") }
    }

    /// `http://` or `https://` followed by a host.
    static func isHTTPURL(_ text: String, httpsOnly: Bool = false) -> Bool {
        // Unicode scalars, as a URL parser reads them, not Characters: a `/` followed by a
        // combining mark is one Character that is not "/", and would pass for a host.
        let rest: Substring.UnicodeScalarView
        if text.hasPrefix("https://") {
            rest = text.unicodeScalars.dropFirst(8)
        } else if !httpsOnly, text.hasPrefix("http://") {
            rest = text.unicodeScalars.dropFirst(7)
        } else {
            return false
        }
        let host = rest.prefix { !endsAuthority($0) }
        return !host.isEmpty && !rest.contains(where: \.properties.isWhitespace)
    }

    /// `/`, `?` and `#` end a URL's authority.
    private static func endsAuthority(_ scalar: Unicode.Scalar) -> Bool { scalar == "/" || scalar == "?" || scalar == "#" }

    /// True when the URL's host is a loopback address: 127.0.0.0/8 or `[::1]`.
    public static func isLoopbackURL(_ text: String) -> Bool {
        guard let scheme = text.range(of: "://") else { return false }
        // Scalars, not Characters (see isHTTPURL): `http://evil.example/\u{301}@127.0.0.1`
        // has its authority end at the `/`, whatever mark follows it.
        let authority = String(String.UnicodeScalarView(text[scheme.upperBound...].unicodeScalars.prefix { !endsAuthority($0) }))
        let hostPort = authority.split(separator: "@").last.map(String.init) ?? ""
        if hostPort.hasPrefix("[::1]") {
            let rest = hostPort.dropFirst(5)
            return rest.isEmpty || (rest.hasPrefix(":") && rest.dropFirst().allSatisfy(\.isNumber))
        }
        let parts = hostPort.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.count == 1 || (!parts[1].isEmpty && parts[1].allSatisfy(\.isNumber)) else { return false }
        let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) && (Int($0) ?? 256) <= 255 }
    }

    /// Safe as one segment of a URL path without escaping.
    static func isURLSegment(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 255
            && text.utf8.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
            && text != "." && text != ".."
    }

    private static func isLowerAlnum(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    private static func isAlnum(_ byte: UInt8) -> Bool {
        isLowerAlnum(byte) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }
}
