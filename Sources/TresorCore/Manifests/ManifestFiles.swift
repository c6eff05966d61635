#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds and reads manifest files: files named on the command line as they are,
/// directories recursively (`*.yaml`, `*.yml`), skipping dot-directories and the state
/// directory, each file once, and never following a symlink loop.
public enum ManifestFiles {
    public static let maxFileSize = 32 << 20
    /// How manifests read from standard input (`-f -`) are named in messages.
    public static let standardInputName = "<stdin>"

    public struct Found: Sendable {
        public var files: [ManifestFile]
        public var diagnostics: [Diagnostic]
    }

    /// - Parameters:
    ///   - paths: files and directories, as the user wrote them.
    ///   - skipping: directories never to descend into (the state directory).
    public static func read(_ paths: [String], skipping: [String] = []) -> Found {
        var walker = Walker(skipped: Set(skipping.compactMap(identity)))
        for path in paths {
            walker.visit(path, explicit: true, ancestors: [])
        }
        // Reading is independent per file: 100,000 small files read (and fstat'd) on all
        // cores; the walk only lists them.
        let items = walker.items.concurrentMap(chunk: 64) { item in
            guard case .unread(let path) = item else { return item }
            return readFile(path)
        }
        var found = Found(files: [], diagnostics: [])
        // Each file once, where it is first named or listed (a symlink or a second `-f`
        // can lead to it again).
        var seen = Set<FileID>()
        for item in items {
            switch item {
            case .read(let file, let id): if seen.insert(id).inserted { found.files.append(file) }
            case .file(let file): found.files.append(file)
            case .problem(let diagnostic): found.diagnostics.append(diagnostic)
            case .unread: break
            }
        }
        return found
    }

    /// What the walk found, in the order files are named and listed.
    private enum Item: Sendable {
        case unread(path: String)
        case read(ManifestFile, FileID)
        case file(ManifestFile)
        case problem(Diagnostic)

        static func problem(_ path: String, _ message: String) -> Item {
            .problem(Diagnostic(.error, at: SourceLocation(file: path), message))
        }
    }

    private static func readFile(_ path: String) -> Item {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .problem(path, "cannot read: \(errnoText(errno))") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .problem(path, "cannot read: \(errnoText(errno))") }
        let size = Int(info.st_size)
        guard size <= ManifestFiles.maxFileSize else {
            return .problem(path, "file is \(size >> 20) MiB, larger than the \(ManifestFiles.maxFileSize >> 20) MiB a manifest file may be")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var total = 0
        while total < size {
            let count = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + total, size - total) }
            if count < 0 {
                if errno == EINTR { continue }
                return .problem(path, "cannot read: \(errnoText(errno))")
            }
            if count == 0 { break }
            total += count
        }
        bytes.removeLast(size - total)
        return .read(ManifestFile(path: path, bytes: bytes), FileID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
    }

    struct FileID: Hashable, Sendable {
        var device: UInt64
        var inode: UInt64
    }

    static func identity(_ path: String) -> FileID? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    static func errnoText(_ code: Int32) -> String {
        String(cString: strerror(code)).lowercased()
    }

    private struct Walker {
        let skipped: Set<FileID>
        var items: [Item] = []

        init(skipped: Set<FileID>) {
            self.skipped = skipped
        }

        mutating func visit(_ path: String, explicit: Bool, ancestors: [FileID]) {
            if explicit, path == "-" {
                readStandardInput()
                return
            }
            var info = stat()
            guard stat(path, &info) == 0 else {
                let code = errno
                var linkInfo = stat()
                if code == ELOOP || (code == ENOENT && lstat(path, &linkInfo) == 0) {
                    problem(path, "symbolic link leads nowhere (\(errnoText(code))); fix or remove it")
                } else {
                    problem(path, "cannot read: \(errnoText(code))")
                }
                return
            }
            let id = FileID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
            if (info.st_mode & S_IFMT) == S_IFDIR {
                guard !skipped.contains(id) else { return }
                if ancestors.contains(id) {
                    problem(path, "symbolic link loop: this directory contains itself; skipped")
                    return
                }
                walk(directory: path, id: id, ancestors: ancestors)
            } else if (info.st_mode & S_IFMT) == S_IFREG {
                guard explicit || Self.isManifestName(path) else { return }
                items.append(.unread(path: path))
            } else if explicit {
                problem(path, "not a regular file or directory")
            }
        }

        private mutating func walk(directory: String, id: FileID, ancestors: [FileID]) {
            guard let handle = opendir(directory) else {
                problem(directory, "cannot read directory: \(errnoText(errno))")
                return
            }
            // The entry's type, where the file system gives it, spares a stat(2) per file.
            var entries: [(name: String, isRegularFile: Bool)] = []
            while let entry = readdir(handle) {
                let name = DirectoryEntry.name(entry)
                guard !name.hasPrefix(".") else { continue }
                entries.append((name, entry.pointee.d_type == UInt8(DT_REG)))
            }
            closedir(handle)
            // A tresor state directory, whatever it is called (a second one, or one named
            // by TRESOR_STATE_DIR in another shell): its YAML files are status, not manifests.
            let names = Set(entries.map(\.name))
            if names.contains("fingerprint.key") || (names.contains("inventory.yaml") && names.contains("status")) { return }
            let base = directory.hasSuffix("/") ? directory : directory + "/"
            let within = ancestors + [id]
            for entry in entries.sorted(by: { $0.name < $1.name }) {
                if entry.isRegularFile {
                    if Self.isManifestName(entry.name) { items.append(.unread(path: base + entry.name)) }
                } else {
                    visit(base + entry.name, explicit: false, ancestors: within)
                }
            }
        }

        static func isManifestName(_ path: String) -> Bool {
            path.hasSuffix(".yaml") || path.hasSuffix(".yml")
        }

        private mutating func readStandardInput() {
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress!, 65536) }
                if count < 0, errno == EINTR { continue }
                if count < 0 {
                    problem(ManifestFiles.standardInputName, "cannot read: \(errnoText(errno))")
                    return
                }
                if count == 0 { break }
                bytes += buffer[..<count]
                guard bytes.count <= ManifestFiles.maxFileSize else {
                    problem(ManifestFiles.standardInputName, "standard input is larger than the \(ManifestFiles.maxFileSize >> 20) MiB a manifest file may be")
                    return
                }
            }
            items.append(.file(ManifestFile(path: ManifestFiles.standardInputName, bytes: bytes)))
        }

        private mutating func problem(_ path: String, _ message: String) {
            items.append(.problem(path, message))
        }
    }
}
