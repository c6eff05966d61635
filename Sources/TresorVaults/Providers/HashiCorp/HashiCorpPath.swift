import TresorCore

/// Secret paths and their form in API URLs.
enum HashiCorpPath {
    /// The non-empty segments of a configured mount or prefix (`"/apps//x/"` → `["apps", "x"]`).
    static func segments(of text: String) -> [String] {
        text.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    /// The segments of a secret path relative to the prefix; rejects what would escape
    /// it or address a folder.
    static func validated(_ path: String, server: String) throws -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let problem: String?
        if path.isEmpty {
            problem = "is empty"
        } else if path.hasPrefix("/") || path.hasSuffix("/") || segments.contains(where: \.isEmpty) {
            problem = "has an empty segment or a leading or trailing '/'"
        } else if segments.contains(where: { $0 == "." || $0 == ".." }) {
            problem = "has a '.' or '..' segment"
        } else {
            problem = nil
        }
        if let problem {
            throw VaultError(.invalidRequest, "\(server): the secret path '\(path)' \(problem); use segments like 'db/main'")
        }
        return segments
    }

    /// Percent-encodes every byte of each segment outside `A-Z a-z 0-9 - . _ ~`; keeps the slashes.
    static func encode(_ path: String) -> String {
        var result: [UInt8] = []
        result.reserveCapacity(path.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                result.append(byte)
            default:
                result.append(UInt8(ascii: "%"))
                result.append(hex[Int(byte >> 4)])
                result.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
