import ArgumentParser
import TresorEngine

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "State directory (default ./.tresor, or TRESOR_STATE_DIR).")
    var stateDir: String?

    @Option(name: .long, help: "Log format: text or json.")
    var logFormat: LogFormat = .text

    @Option(name: .long, help: "Rotate audit.log at this size (bytes, or with KiB, MiB, GiB); 5 rotated files are kept.")
    var auditMaxSize: ByteCount = ByteCount(bytes: 100 << 20)

    var auditRotation: AuditRotation { AuditRotation(maxBytes: auditMaxSize.bytes) }
    @OptionGroup var etcd: EtcdOptions

    enum LogFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }
}

/// Manifest paths for the commands that reach vaults.
struct ManifestOptions: ParsableArguments {
    @Option(name: [.customShort("f"), .customLong("filename")], help: "Manifest file or directory (repeatable); - reads standard input.")
    var paths: [String] = []

    func validate() throws {
        if paths.isEmpty { throw ValidationError("name the manifests with -f FILE_OR_DIRECTORY") }
    }
}
