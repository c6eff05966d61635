import Foundation
import Synchronization
import Testing
import TresorVaults

#if canImport(Glibc)
    import Glibc
#endif

/// A real three-member etcd cluster (Debian's `etcd-server`) on 127.0.0.1 and free ports,
/// started for a suite and stopped by pid when the suite ends, pass or fail. Members can
/// be killed and restarted on their data directory (quorum tests).
///
/// Set `TRESOR_ETCD` to use another binary, or `TRESOR_SKIP_ETCD=1` to skip the suites.
public final class EtcdCluster: Sendable {
    public struct Member: Sendable {
        public var name: String
        public var clientPort: Int
        public var peerPort: Int
        public var client: String { "http://127.0.0.1:\(clientPort)" }
        public var peer: String { "http://127.0.0.1:\(peerPort)" }
    }

    public let members: [Member]
    public let directory: String
    private let processes: Mutex<[ServerProcess?]>

    public static var enabled: Bool { ProcessInfo.processInfo.environment["TRESOR_SKIP_ETCD"] != "1" }

    public static func binary() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["TRESOR_ETCD"], !explicit.isEmpty { return explicit }
        if let found = ServerProcess.onPath("etcd") { return found }
        throw CommandFailed(description: "no `etcd` on PATH: run `apt-get install etcd-server` (or `make test`), or set TRESOR_SKIP_ETCD=1")
    }

    /// The client URLs, comma-separated, as `--etcd-endpoints` takes them.
    public var endpoints: String { members.map(\.client).joined(separator: ",") }

    private init(members: [Member], directory: String) {
        self.members = members
        self.directory = directory
        self.processes = Mutex(Array(repeating: nil, count: members.count))
    }

    /// Starts three members and waits until the cluster accepts a write (quorum).
    public static func start() async throws -> EtcdCluster {
        var members: [Member] = []
        var taken = Set<Int>()
        while members.count < 3 {
            let client = try unusedLocalPort()
            let peer = try unusedLocalPort()
            guard client != peer, !taken.contains(client), !taken.contains(peer) else { continue }
            taken.formUnion([client, peer])
            members.append(Member(name: "m\(members.count)", clientPort: client, peerPort: peer))
        }
        let directory = FileManager.default.temporaryDirectory.path + "/tresor-etcd-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let cluster = EtcdCluster(members: members, directory: directory)
        do {
            for index in members.indices { try cluster.startMember(index) }
            try await cluster.waitForQuorum()
        } catch {
            await cluster.stop()
            throw error
        }
        return cluster
    }

    /// Starts (or restarts, on its data directory) one member.
    public func startMember(_ index: Int) throws {
        let member = members[index]
        let cluster = members.map { "\($0.name)=\($0.peer)" }.joined(separator: ",")
        let token = (directory as NSString).lastPathComponent
        let process = try ServerProcess(binary: try Self.binary(), label: "etcd-\(member.name)") { _ in
            [
                "--name", member.name, "--data-dir", self.directory + "/" + member.name,
                "--listen-client-urls", member.client, "--advertise-client-urls", member.client,
                "--listen-peer-urls", member.peer, "--initial-advertise-peer-urls", member.peer,
                "--initial-cluster", cluster, "--initial-cluster-state", "new", "--initial-cluster-token", token,
                "--logger", "zap", "--log-outputs", "stderr",
            ]
        }
        processes.withLock { $0[index] = process }
    }

    /// SIGKILL of one member by pid; its data directory stays for a restart.
    public func kill(_ index: Int) async {
        let process = processes.withLock { processes -> ServerProcess? in
            defer { processes[index] = nil }
            return processes[index]
        }
        await process?.stopOffPool()
    }

    public func isRunning(_ index: Int) -> Bool { processes.withLock { $0[index]?.isRunning ?? false } }

    /// Waits until a write succeeds through any member.
    public func waitForQuorum(timeout: Duration = .seconds(90)) async throws {
        let client = EtcdClient(configuration: .init(endpoints: members.map(\.client), requestTimeout: .seconds(2)))
        try await eventually("the etcd cluster to accept writes", timeout: timeout) {
            try await offloaded { try client.txn([], [.put("/tresor-test/quorum", Array("ok".utf8))]).succeeded }
        }
    }

    /// A client of the whole cluster.
    public func client() -> EtcdClient {
        EtcdClient(configuration: .init(endpoints: members.map(\.client)))
    }

    /// Every member killed by pid, and the data removed.
    public func stop() async {
        for index in members.indices { await kill(index) }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

public struct EtcdClusterTrait: SuiteTrait, TestScoping {
    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        try await withSuiteServer(start: { try await EtcdCluster.start() }, stop: { await $0.stop() }) { cluster in
            try await EtcdCluster.$current.withValue(cluster) { try await function() }
        }
    }
}

extension EtcdCluster {
    @TaskLocal public static var current: EtcdCluster?
}

extension Trait where Self == EtcdClusterTrait {
    /// A three-member etcd cluster for the whole suite (``EtcdCluster/current``).
    public static var etcdCluster: Self { Self() }
}
