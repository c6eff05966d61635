import Foundation
import TresorCore
#if canImport(Glibc)
    import Glibc
#endif

/// Turns file-system events under the manifest paths into "something changed" calls,
/// nothing more: the daemon re-reads the manifests itself (level-based, never trusting
/// what an event says).
///
/// inotify, read on a thread of its own. Directories are watched recursively and new
/// directories are added as they appear; a file named on the command line is watched
/// through its parent directory, so an editor's rename-on-save (write a temporary file,
/// rename it over the original) is seen like a write. Only events on `*.yaml`/`*.yml`,
/// the named files and directories count.
public final class ManifestWatcher: @unchecked Sendable {
    public struct WatchError: Error, CustomStringConvertible {
        public var description: String
    }

    private let paths: [String]
    private let skipping: Set<String>
    private let onChange: @Sendable (ManifestChanges) -> Void
    private let descriptor: Int32
    // Touched only by the reading thread after `start`.
    private var directories: [Int32: String] = [:]
    private var namedFiles: Set<String> = []
    /// Directories watched only for the named files in them.
    private var parentsOnly: Set<String> = []
    private let stopFlag = AtomicFlag()

    /// - Parameters:
    ///   - paths: the `-f` paths, files or directories.
    ///   - skipping: directories never watched (the state directory).
    ///   - files: files watched through their parent directory that need not exist yet
    ///     (the state directory's `suspended.json`).
    ///   - onChange: called on the watcher's thread after each read that held a relevant event.
    public init(
        paths: [String], skipping: [String] = [], files: [String] = [], onChange: @escaping @Sendable (ManifestChanges) -> Void
    ) throws {
        self.paths = paths
        self.skipping = Set(skipping.map(Self.normalized))
        self.onChange = onChange
        descriptor = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard descriptor >= 0 else {
            throw WatchError(description: "cannot start watching the manifests: inotify_init1: \(String(cString: strerror(errno)))")
        }
        for path in paths {
            var info = stat()
            guard stat(path, &info) == 0 else {
                throw WatchError(description: "cannot watch '\(path)': \(String(cString: strerror(errno)))")
            }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                try watchTree(path)
            } else {
                try watchNamedFile(path)
            }
        }
        for file in files { try watchNamedFile(file) }
    }

    deinit {
        close(descriptor)
    }

    /// Starts the reading thread.
    public func start() {
        let thread = Thread { [self] in readLoop() }
        thread.name = "tresor-watcher"
        thread.start()
    }

    /// Stops the reading thread within one poll interval.
    public func stop() {
        stopFlag.set()
    }

    private func readLoop() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while !stopFlag.isSet {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 200)
            guard ready > 0 else { continue }
            var changes = ManifestChanges()
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                guard count > 0 else { break }
                handle(buffer, count: count, into: &changes)
            }
            if !changes.isEmpty { onChange(changes) }
        }
    }

    /// Walks one read's events, noting the manifest files they concern.
    private func handle(_ buffer: [UInt8], count: Int, into changes: inout ManifestChanges) {
        var offset = 0
        let header = MemoryLayout<inotify_event>.size
        buffer.withUnsafeBytes { raw in
            while offset + header <= count {
                let watch = raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                let mask = raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                let length = Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                var name = ""
                if length > 0 {
                    let start = offset + header
                    let bytes = raw[start..<min(start + length, count)]
                    name = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                }
                offset += header + length
                if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                    changes.full = true
                    continue
                }
                if mask & UInt32(IN_IGNORED) != 0 {
                    directories.removeValue(forKey: watch)
                    continue
                }
                guard let directory = directories[watch] else { continue }
                let path = name.isEmpty ? directory : directory + "/" + name
                if parentsOnly.contains(directory) {
                    if namedFiles.contains(path) { changes.files.insert(path) }
                    continue
                }
                if mask & UInt32(IN_ISDIR) != 0 || name.isEmpty {
                    if mask & (UInt32(IN_CREATE) | UInt32(IN_MOVED_TO)) != 0, !name.hasPrefix(".") { try? watchTree(path) }
                    if !name.hasPrefix(".") { changes.full = true }
                } else if name == "..data" {
                    changes.full = true
                } else if namedFiles.contains(path) || Self.isManifestName(name) {
                    changes.files.insert(path)
                }
            }
        }
    }

    private func watchNamedFile(_ path: String) throws {
        let normal = Self.normalized(path)
        namedFiles.insert(normal)
        let parent = Self.parent(of: normal)
        if !directories.values.contains(parent) { parentsOnly.insert(parent) }
        try watchDirectory(parent)
    }

    private func watchTree(_ directory: String) throws {
        let normal = Self.normalized(directory)
        guard !skipping.contains(normal) else { return }
        try watchDirectory(normal)
        guard let handle = opendir(normal) else { return }
        var children: [String] = []
        while let entry = readdir(handle) {
            let name = DirectoryEntry.name(entry)
            guard !name.hasPrefix("."), entry.pointee.d_type == UInt8(DT_DIR) else { continue }
            children.append(normal + "/" + name)
        }
        closedir(handle)
        for child in children { try watchTree(child) }
    }

    private func watchDirectory(_ directory: String) throws {
        let events: [UInt32] = [
            UInt32(IN_CREATE), UInt32(IN_MODIFY), UInt32(IN_CLOSE_WRITE), UInt32(IN_MOVED_FROM), UInt32(IN_MOVED_TO),
            UInt32(IN_DELETE), UInt32(IN_DELETE_SELF), UInt32(IN_MOVE_SELF), UInt32(IN_ATTRIB), UInt32(IN_ONLYDIR),
        ]
        let mask = events.reduce(0, |)
        let watch = inotify_add_watch(descriptor, directory, mask)
        guard watch >= 0 else {
            let reason = String(cString: strerror(errno))
            throw WatchError(
                description: "cannot watch '\(directory)': \(reason)"
                    + (errno == ENOSPC ? " (raise fs.inotify.max_user_watches)" : ""))
        }
        directories[watch] = directory
    }

    static func isManifestName(_ name: String) -> Bool {
        // `..data`: a Kubernetes ConfigMap volume swaps this symlink to publish an update.
        name == "..data" || (!name.hasPrefix(".") && (name.hasSuffix(".yaml") || name.hasSuffix(".yml")))
    }

    static func normalized(_ path: String) -> String {
        var path = path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return path
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

/// What a burst of file events touched: manifest files by path, or `full` when only a
/// whole re-read can tell (a directory appeared or went, the event queue overflowed).
public struct ManifestChanges: Sendable, Equatable {
    public var files: Set<String> = []
    public var full = false

    public init(files: Set<String> = [], full: Bool = false) {
        self.files = files
        self.full = full
    }

    public var isEmpty: Bool { files.isEmpty && !full }

    public mutating func merge(_ other: ManifestChanges) {
        files.formUnion(other.files)
        full = full || other.full
    }
}

/// A flag set once from any thread.
final class AtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }

    func set() { lock.withLock { value = true } }
}
