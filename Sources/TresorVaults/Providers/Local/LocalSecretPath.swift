import TresorCore

/// A secret's path in the local vault, checked, and where its file lives:
/// `db/main` is `<vault>/db/main.secret`.
struct LocalSecretPath: Sendable, Hashable {
    static let fileSuffix = ".secret"

    /// The path as the caller gave it, e.g. `db/main`.
    let path: String
    /// The directories between the vault root and the file, e.g. `db`; empty at the root.
    let directoryPath: Substring
    /// The file's name, e.g. `main.secret`.
    let fileName: String

    /// Checks the path: relative segments of `[A-Za-z0-9._-]`, none empty, `.` or `..`.
    /// Callers validate paths already; this guards the file system all the same.
    init(_ path: String) throws {
        guard !path.isEmpty else { throw Self.invalid(path, "is empty") }
        guard !path.hasPrefix("/") else { throw Self.invalid(path, "is absolute; local vault paths are relative to the vault directory") }
        var segmentStart = path.utf8.startIndex
        var lastSlash: String.Index?
        for index in path.utf8.indices {
            let byte = path.utf8[index]
            if byte == UInt8(ascii: "/") {
                try Self.checkDirectory(path[segmentStart..<index], isFirst: lastSlash == nil, in: path)
                lastSlash = index
                segmentStart = path.utf8.index(after: index)
            } else if !Self.isAllowed(byte) {
                throw Self.invalid(path, "has characters other than letters, digits, '.', '_' and '-'")
            }
        }
        try Self.checkSegment(path[segmentStart...], in: path)
        self.path = path
        directoryPath = lastSlash.map { path[..<$0] } ?? ""
        fileName = path[segmentStart...] + Self.fileSuffix
    }

    /// The directories between the vault root and the file, e.g. `["db"]`.
    var directories: [Substring] {
        directoryPath.isEmpty ? [] : directoryPath.split(separator: "/")
    }

    /// The path of the directory that holds the file, under `root`.
    func directory(under root: String) -> String {
        directoryPath.isEmpty ? root : root + "/" + directoryPath
    }

    /// The path of the file, under `root`.
    func file(under root: String) -> String {
        directoryPath.isEmpty ? root + "/" + fileName : root + "/" + directoryPath + "/" + fileName
    }

    private static func checkSegment(_ segment: Substring, in path: String) throws {
        guard !segment.isEmpty else { throw invalid(path, "has an empty segment") }
        guard segment != ".", segment != ".." else { throw invalid(path, "has a '.' or '..' segment") }
    }

    /// Directories share their parent with secret files and the vault's own files.
    private static func checkDirectory(_ segment: Substring, isFirst: Bool, in path: String) throws {
        try checkSegment(segment, in: path)
        guard !segment.hasSuffix(fileSuffix) else {
            throw invalid(path, "has a directory segment ending in '\(fileSuffix)', which the local vault uses for secret files")
        }
        guard !isFirst || !segment.hasPrefix(LocalVaultLock.filePrefix) else {
            throw invalid(path, "starts with '\(LocalVaultLock.filePrefix)', which the local vault's lock files use")
        }
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default: false
        }
    }

    private static func invalid(_ path: String, _ reason: String) -> VaultError {
        VaultError(.invalidRequest, "local vault: the path '\(path)' \(reason)")
    }
}
