import Foundation
import Testing
import TresorVaults

/// The state store the CLI tests run against. By default each test's `--state-dir`;
/// with `TRESOR_TEST_STORE=etcd` and `TRESOR_TEST_ETCD_ENDPOINTS` (see
/// scripts/cli-tests-on-etcd.sh, which starts a three-member cluster for them), every
/// command of a test also gets `--etcd-endpoints` and an `--etcd-prefix` of its own per
/// state directory, and local vault profiles a `path` (the etcd store refuses a local
/// vault kept under one machine's state directory), so the same tests run on etcd.
enum TestStore {
    static let etcdEndpoints: String? = {
        let environment = ProcessInfo.processInfo.environment
        guard environment["TRESOR_TEST_STORE"] == "etcd" else { return nil }
        return environment["TRESOR_TEST_ETCD_ENDPOINTS"]
    }()

    static var isEtcd: Bool { etcdEndpoints != nil }

    /// The etcd options for a command run with `arguments` by the test `run` (none on the
    /// directory store, or when the command names its own store or takes none).
    static func flags(_ arguments: [String], run: String) -> [String] {
        guard let endpoints = etcdEndpoints, let command = arguments.first, !commandsWithoutState.contains(command),
            !arguments.contains("--etcd-endpoints"), !arguments.contains("--help")
        else { return [] }
        return ["--etcd-endpoints", endpoints, "--etcd-prefix", prefix(run: run, stateDirectory: stateDirectory(arguments))]
    }

    /// Commands that take no global options.
    static let commandsWithoutState: Set<String> = ["approvals", "completion", "man", "--version", "--help", "help"]

    static func stateDirectory(_ arguments: [String]) -> String {
        guard let flag = arguments.firstIndex(of: "--state-dir"), flag + 1 < arguments.count else { return ".tresor" }
        return arguments[flag + 1]
    }

    /// One prefix per test and state directory (named by its last component, so that a
    /// test's `state` and its absolute path are one store).
    static func prefix(run: String, stateDirectory: String) -> String {
        let name = (stateDirectory as NSString).lastPathComponent.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? String($0) : "_" }.joined()
        return "/cli-\(run)/\(name)"
    }

    /// The manifests with each `local: {}` vault profile given `path: <state>/vaults/<name>`,
    /// where the directory store keeps it, so tests that look into the vault still find it.
    static func manifests(_ text: String, stateRoot: String) -> String {
        guard isEtcd, text.contains("local: {}") else { return text }
        return text.components(separatedBy: "\n---").map { document in
            guard document.contains("kind: VaultProfile"), let name = profileName(document) else { return document }
            return document.replacingOccurrences(of: "local: {}", with: "local: {path: \(stateRoot)/vaults/\(name)}")
        }.joined(separator: "\n---")
    }

    private static func profileName(_ document: String) -> String? {
        let pattern = #"metadata:\s*(?:\{\s*name:\s*|\n\s+name:\s*)"?([A-Za-z0-9._-]+)"#
        guard let expression = try? NSRegularExpression(pattern: pattern),
            let match = expression.firstMatch(in: document, range: NSRange(document.startIndex..., in: document)),
            let range = Range(match.range(at: 1), in: document)
        else { return nil }
        return String(document[range])
    }

    /// Every status of `stateDirectory` by secret name, from the store the tests run on.
    static func statuses(stateDirectory: String, in directory: URL, run: String) throws -> [String: [UInt8]] {
        guard let endpoints = etcdEndpoints else {
            let path = directory.appendingPathComponent(stateDirectory + "/status/Secret").path
            var found: [String: [UInt8]] = [:]
            // Temporary files of an interrupted write are not status files.
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] where name.hasSuffix(".yaml") {
                found[String(name.dropLast(5))] = try Array(Data(contentsOf: URL(fileURLWithPath: path + "/" + name)))
            }
            return found
        }
        let client = EtcdClient(configuration: .init(endpoints: endpoints.split(separator: ",").map(String.init)))
        let prefix = prefix(run: run, stateDirectory: stateDirectory) + "/status/Secret/"
        return Dictionary(uniqueKeysWithValues: try client.list(prefix: prefix).map { (String($0.key.dropFirst(prefix.count)), $0.value) })
    }

    /// The bytes a state file holds, read where the store keeps it: the file under the
    /// state directory, or its key in etcd (`audit.log`: the chain's lines).
    static func read(_ relative: String, stateDirectory: String, in directory: URL, run: String) throws -> [UInt8]? {
        guard let endpoints = etcdEndpoints else {
            return try? Array(Data(contentsOf: directory.appendingPathComponent(stateDirectory + "/" + relative)))
        }
        let client = EtcdClient(configuration: .init(endpoints: endpoints.split(separator: ",").map(String.init)))
        let prefix = prefix(run: run, stateDirectory: stateDirectory)
        if relative == "audit.log" {
            let lines = try client.list(prefix: prefix + "/audit/line/")
            return lines.isEmpty ? nil : lines.reduce(into: []) { $0 += $1.value + [0x0A] }
        }
        let key: String
        switch relative {
        case "inventory.yaml": key = "/inventory"
        case "rules.yaml": key = "/rules"
        default:
            guard relative.hasSuffix(".yaml") else { return nil }
            key = "/" + relative.dropLast(5)
        }
        return try client.get(prefix + key)?.value
    }
}

extension Trait where Self == ConditionTrait {
    /// A test of the directory store's own files (their locks, temp files, modes, or a
    /// hand edit of one): it has no counterpart on etcd and is skipped there.
    static func directoryStoreOnly(_ why: Comment) -> Self { .enabled(if: !TestStore.isEtcd, why) }
}
