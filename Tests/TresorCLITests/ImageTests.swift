import Foundation
import Testing
import TresorTestSupport

/// `make image`'s OCI archive: made from scratch, run as a non-root user, holding what the
/// binary needs; and, where podman can start containers here, it starts. Runs only on an
/// archive: `make test-deploy` builds one and sets TRESOR_IMAGE_ARCHIVE to it.
@Suite struct ImageTests {
    static let archive = ProcessInfo.processInfo.environment["TRESOR_IMAGE_ARCHIVE"]

    /// Why podman cannot start any container on this machine (tried on a root file system
    /// of its own, so it says nothing about the image), or nil when it can. Printed, so a
    /// skipped run says why.
    static func podmanProblem() async -> String? {
        guard archive != nil else { return "TRESOR_IMAGE_ARCHIVE is not set" }
        guard let executable = ServerProcess.onPath("podman") else {
            print("ImageTests: podman is not installed (scripts/ensure-deps.sh deploy installs it)")
            return "podman is not installed"
        }
        let podman = try? Podman(executable: executable)
        defer { podman?.remove() }
        guard let probe = try? await podman?.probe(), probe.status == 0 else {
            print("ImageTests: podman cannot start a container here; the image is not started")
            return "podman cannot start a container here"
        }
        return nil
    }

    @Test(.enabled(if: archive != nil, "TRESOR_IMAGE_ARCHIVE is not set (make test-deploy sets it)"))
    func theImageRunsAsANonRootUserAndHoldsWhatTheBinaryNeeds() async throws {
        let archive = try #require(Self.archive)
        let layout = try await OCILayout(archive: archive)
        defer { layout.remove() }
        let config = try layout.config()
        let user = try #require(config["User"] as? String, "the image names no user: it would run as root")
        let uid = try #require(Int(user.split(separator: ":")[0]), "User is \(user), not a numeric uid")
        #expect(uid != 0, "the image runs as root")
        #expect(config["Entrypoint"] as? [String] == ["/usr/local/bin/tresor"])
        let files = try await layout.files()
        for required in ["usr/local/bin/tresor", "etc/ssl/certs/ca-certificates.crt", "lib64/ld-linux-x86-64.so.2", "etc/passwd"] {
            #expect(files.contains(required), "the image lacks /\(required)")
        }
        #expect(files.contains { $0.contains("libcurl.so") }, "the image lacks libcurl")
        #expect(!files.contains { $0.contains("libswift") }, "the Swift runtime is a shared library in the image")
        #expect(!files.contains { $0.hasPrefix("bin/") || $0.hasPrefix("usr/bin/") }, "a scratch image holds no shell or tools")
        let passwd = try await layout.read("etc/passwd")
        #expect(passwd.contains(":\(uid):\(uid):"), "/etc/passwd has no entry for uid \(uid): \(passwd)")
    }

    @Test(
        .enabled("needs TRESOR_IMAGE_ARCHIVE and a podman that can start containers here (when podman cannot, the run prints why)") {
            await podmanProblem() == nil
        })
    func theImageStartsUnderPodman() async throws {
        let archive = try #require(Self.archive)
        let podman = try Podman(executable: try #require(ServerProcess.onPath("podman")))
        defer { podman.remove() }
        let loaded = try await podman.run(["load", "--input", archive])
        #expect(loaded.status == 0, "\(loaded.stdout)\(loaded.stderr)")
        let image = try #require(
            loaded.stdout.split(separator: "\n").first { $0.hasPrefix("Loaded image") }?.split(separator: " ").last.map(String.init),
            "podman load named no image: \(loaded.stdout)\(loaded.stderr)")
        let version = try await podman.run(["run"] + Podman.containerOptions + [image, "--version"])
        #expect(version.status == 0, "\(version.stdout)\(version.stderr)")
        #expect(version.stdout.hasPrefix("tresor 0."), "\(version.stdout)")
    }
}

/// podman with storage of its own in a temporary directory (vfs: no overlay mounts), so a
/// test neither reads nor leaves images in the machine's store.
struct Podman {
    let executable: String
    let root: String

    init(executable: String) throws {
        self.executable = executable
        // Short: podman refuses a run root longer than 50 characters.
        root = FileManager.default.temporaryDirectory.appendingPathComponent("tp-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    /// What lets a container start inside a VM or container that is itself confined (as CI
    /// runners and this project's build machines are), and changes nothing the image does:
    /// runc (crun refuses hybrid cgroup v1/v2 hosts) with a tmpfs over /sys/fs/cgroup, open
    /// file and process limits below the caller's (raising them needs CAP_SYS_RESOURCE),
    /// no network.
    static let containerOptions = [
        "--rm", "--network", "none", "--tmpfs", "/sys/fs/cgroup", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
    ]

    func run(_ arguments: [String]) async throws -> ProcessOutput {
        let global = [
            "--root", root + "/root", "--runroot", root + "/run", "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs",
            "--events-backend", "file", "--runtime", "runc",
        ]
        return try await runToEnd(executable, global + arguments, environment: ProcessInfo.processInfo.environment, directory: root)
    }

    /// Starts /usr/bin/true from a root file system of its own (the program, its libraries
    /// and the loader): whether podman can start any container here, the image aside.
    func probe() async throws -> ProcessOutput {
        let rootfs = root + "/probe"
        let copy = #"for f in /usr/bin/true $(ldd /usr/bin/true | awk '/=> \// { print $3 } /^\t\// { print $1 }'); do install -D "$(readlink -f "$f")" "$0$f"; done"#
        let copied = try await runToEnd("/bin/sh", ["-c", copy, rootfs], environment: ProcessInfo.processInfo.environment, directory: root)
        guard copied.status == 0 else { return copied }
        let started = try await run(["run"] + Self.containerOptions + ["--rootfs", rootfs, "/usr/bin/true"])
        if started.status != 0 { print("ImageTests: podman run --rootfs \(rootfs) /usr/bin/true: \(started.stderr)") }
        return started
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }
}

/// An OCI archive unpacked: its config and the files of its layers.
struct OCILayout {
    let directory: String

    init(archive: String) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tresor-oci-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        _ = try await tar(["-xf", archive, "-C", directory])
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(path) is not a JSON object")
    }

    func blob(_ descriptor: Any?) throws -> String {
        let digest = try #require((descriptor as? [String: Any])?["digest"] as? String, "a descriptor without a digest")
        return directory + "/blobs/" + digest.replacingOccurrences(of: ":", with: "/")
    }

    func manifest() throws -> [String: Any] {
        let first = (try json("index.json")["manifests"] as? [Any])?.first
        return try json(String(try blob(first).dropFirst(directory.count + 1)))
    }

    /// The image config's `config` part (User, Entrypoint, Env, …).
    func config() throws -> [String: Any] {
        let path = String(try blob(try manifest()["config"]).dropFirst(directory.count + 1))
        return try #require(try json(path)["config"] as? [String: Any], "the image config has no config")
    }

    func layers() throws -> [String] {
        try ((try manifest()["layers"] as? [Any]) ?? []).map { try blob($0) }
    }

    /// Every path in every layer, without a leading "./" or "/".
    func files() async throws -> Set<String> {
        var files: Set<String> = []
        for layer in try layers() {
            // GNU tar recognises a compressed layer by itself.
            for line in try await tar(["-tf", layer]).split(separator: "\n") {
                files.insert(String(line.drop { $0 == "." || $0 == "/" }))
            }
        }
        return files
    }

    /// A file from the last layer that holds it.
    func read(_ path: String) async throws -> String {
        for layer in try layers().reversed() {
            for name in [path, "./" + path] {
                if let text = try? await tar(["-xOf", layer, name]), !text.isEmpty { return text }
            }
        }
        throw CommandFailed(description: "no layer holds \(path)")
    }

    private func tar(_ arguments: [String]) async throws -> String {
        let result = try await runToEnd("/usr/bin/tar", arguments, environment: ProcessInfo.processInfo.environment, directory: directory)
        guard result.status == 0 else { throw CommandFailed(description: "tar \(arguments.joined(separator: " ")): \(result.stderr)") }
        return result.stdout
    }
}
