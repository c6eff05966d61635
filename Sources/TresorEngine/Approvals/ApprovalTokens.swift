import Crypto
import Foundation
import Synchronization
import TresorCore

/// The bearer tokens of the approval API, mapped to identities. The file holds only
/// SHA-256 hashes of the tokens, one per line:
///
/// ```
/// # sha256:<64 hex digits> <identity>
/// sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 alice@example.com
/// ```
///
/// Blank lines and lines starting with `#` are ignored. `tresor approvals token add`
/// makes a token, appends its hash and prints the token once; by hand:
/// `t=$(openssl rand -hex 32); echo "sha256:$(printf %s "$t" | sha256sum | cut -d' ' -f1) alice@example.com" >> tokens`.
public struct ApprovalTokens: Sendable {
    public struct FormatError: Error, CustomStringConvertible {
        public var description: String
    }

    struct Entry: Sendable {
        var hash: [UInt8]
        var identity: String
    }

    private let source: TokenSource

    public init(text: String, path: String = "tokens file") throws {
        source = TokenSource(fixed: try Self.parse(text, path: path))
    }

    private init(source: TokenSource) {
        self.source = source
    }

    static func parse(_ text: String, path: String) throws -> [Entry] {
        var entries: [Entry] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: " ", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, parts[0].hasPrefix("sha256:"), !parts[1].isEmpty,
                let hash = Self.hexBytes(String(parts[0].dropFirst(7))), hash.count == 32
            else {
                throw FormatError(
                    description: "\(path):\(index + 1): expected `sha256:<64 hex digits> <identity>` (tokens are stored hashed, "
                        + "never in clear); add tokens with `tresor approvals token add`")
            }
            entries.append(Entry(hash: hash, identity: ApprovalIdentity.normalized(parts[1])))
        }
        return entries
    }

    static func read(path: String) throws -> [Entry] {
        do {
            return try parse(String(decoding: try AtomicFile.readBytes(path), as: UTF8.self), path: path)
        } catch let error as AtomicFile.ReadError {
            throw FormatError(description: "cannot read tokens file \(path): \(error.reason)")
        }
    }

    /// The tokens of the file at `path`, read again whenever the file changes: a token
    /// added is accepted and a token removed is refused from the next request on, with no
    /// restart. A file that no longer reads (an editor's half-written save, a bad line)
    /// refuses every token until it reads again.
    public static func load(path: String) throws -> ApprovalTokens {
        ApprovalTokens(source: try TokenSource(path: path))
    }

    /// Why the file's current content is refused; nil when it reads.
    public var problem: String? { source.current().problem }

    /// The identity of a bearer token, nil when no entry matches. Every entry is compared
    /// in constant time, so the time taken does not tell how much of a hash matched.
    public func identity(forToken token: String) -> String? {
        let entries = source.current().entries
        let hash = Array(SHA256.hash(data: Array(token.utf8)))
        var found: String?
        for entry in entries {
            var difference: UInt8 = 0
            for (left, right) in zip(hash, entry.hash) { difference |= left ^ right }
            if difference == 0, found == nil { found = entry.identity }
        }
        return found
    }

    /// A new random token (256 bits) and the line that records its hash.
    public static func make(identity: String) -> (token: String, line: String) {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let token = "tresor_" + Hex.encode(bytes)
        return (token, line(token: token, identity: identity))
    }

    /// The tokens-file line for `token`.
    public static func line(token: String, identity: String) -> String {
        "sha256:" + Hex.encode(SHA256.hash(data: Array(token.utf8))) + " " + identity
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Where ``ApprovalTokens`` come from: fixed entries, or a file checked on every use. A
/// `stat` per request is cheaper than any approval decision and leaves no window between
/// an edit and its effect (a watcher's event would).
final class TokenSource: Sendable {
    struct Loaded: Sendable {
        var entries: [ApprovalTokens.Entry]
        var problem: String?
    }

    private let path: String?
    private let state: Mutex<(stamp: FileStamp?, loaded: Loaded)>

    init(fixed entries: [ApprovalTokens.Entry]) {
        path = nil
        state = Mutex((nil, Loaded(entries: entries, problem: nil)))
    }

    /// Reads the file once now, so a bad file stops the daemon at start.
    init(path: String) throws {
        self.path = path
        let stamp = FileStamp(path: path)
        state = Mutex((stamp, Loaded(entries: try ApprovalTokens.read(path: path), problem: nil)))
    }

    func current() -> Loaded {
        guard let path else { return state.withLock { $0.loaded } }
        let stamp = FileStamp(path: path)
        return state.withLock { state in
            // A file removed is a change too: every token is then refused.
            guard stamp != state.stamp else { return state.loaded }
            state.stamp = stamp
            do {
                state.loaded = Loaded(entries: try ApprovalTokens.read(path: path), problem: nil)
            } catch {
                state.loaded = Loaded(entries: [], problem: "\(error); every token is refused until it reads again")
            }
            return state.loaded
        }
    }
}
