import Foundation
import Testing
import TresorCore
import TresorEngine
import TresorVaults
import TresorTestSupport

/// The two halves of fencing, each alone, on a real three-member etcd cluster: etcd
/// refuses a deposed leader's state write, and a leader whose renewal is late issues no
/// vault write.
@Suite(.etcdCluster, .enabled(if: EtcdCluster.enabled))
struct LeaderFenceTests {
    var cluster: EtcdCluster { EtcdCluster.current! }

    func inventory(_ secrets: [String]) -> Inventory {
        var inventory = Inventory()
        for name in secrets { inventory.secrets[name] = Inventory.Entry(type: .apiKey, deletionPolicy: .retain, targets: ["main": "x"]) }
        return inventory
    }

    /// Runs blocking etcd calls off the cooperative pool; expectations stay in the test.
    func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T { try await offloaded(work) }

    /// `work` run as ``blocking(_:)`` runs it, its error kept for the test to check.
    func attempt(_ work: @escaping @Sendable () throws -> Void) async throws -> Result<Void, any Error> {
        try await offloaded { Result { try work() } }
    }

    @Test func aDeposedLeadersStateWriteFailsInEtcdItself() async throws {
        let client = cluster.client()
        let prefix = "/fence-" + UUID().uuidString.lowercased()
        let key = prefix + "/leader"
        let first = try await blocking { try client.grantLease(ttl: 30) }
        #expect(try await blocking { try client.txn([.absent(key)], [.put(key, Array("a".utf8), lease: first)]).succeeded })
        let fence = LeaderFence()
        // A deadline far off: only etcd's compare can stop this write.
        fence.grant(LeaderFence.Hold(key: key, lease: first), until: .now + .seconds(3600))
        let store = StateStore(readingAt: "/nonexistent", etcd: EtcdStateStore(client: client, prefix: prefix, fence: fence))
        let one = inventory(["one"])
        try await blocking { try store.writeInventory(one) }

        // Deposed: its lease is gone and another replica holds the key.
        try await blocking { try client.revokeLease(first) }
        let second = try await blocking { try client.grantLease(ttl: 30) }
        #expect(try await blocking { try client.txn([.absent(key)], [.put(key, Array("b".utf8), lease: second)]).succeeded })
        let before = try await blocking { try client.get(prefix + "/inventory")?.modRevision }
        let two = inventory(["one", "two"])
        let written = try await attempt { try store.writeInventory(two) }
        #expect(throws: FencedError.self, "the deposed leader's write was not refused as fenced") { try written.get() }
        #expect(try await blocking { try client.get(prefix + "/inventory")?.modRevision } == before)
        #expect(try await blocking { try store.readInventory().secrets.keys.sorted() } == ["one"])
    }

    @Test func twoWritersNeverLoseEachOthersUpdate() async throws {
        let client = cluster.client()
        let prefix = "/race-" + UUID().uuidString.lowercased()
        let first = StateStore(readingAt: "/nonexistent", etcd: EtcdStateStore(client: client, prefix: prefix))
        let second = StateStore(readingAt: "/nonexistent", etcd: EtcdStateStore(client: client, prefix: prefix))
        _ = try await blocking { try first.readInventory() }
        _ = try await blocking { try second.readInventory() }
        let fromFirst = inventory(["from-first"])
        let fromSecond = inventory(["from-second"])
        try await blocking { try first.writeInventory(fromFirst) }
        let written = try await attempt { try second.writeInventory(fromSecond) }
        #expect(throws: StateConflictError.self, "the second writer overwrote an update it had not read") { try written.get() }
        #expect(try await blocking { try first.readInventory().secrets.keys.sorted() } == ["from-first"])
        // Having read what the first wrote, the second may write.
        try await blocking {
            var next = try second.readInventory()
            next.secrets["from-second"] = Inventory.Entry(type: .apiKey, deletionPolicy: .retain, targets: ["main": "x"])
            try second.writeInventory(next)
        }
        #expect(try await blocking { try first.readInventory().secrets.keys.sorted() } == ["from-first", "from-second"])
    }

    @Test func aLeaderWhoseRenewalIsLateIssuesNoVaultWrite() async throws {
        let directory = FileManager.default.temporaryDirectory.path + "/tresor-fence-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let yaml = """
            apiVersion: tresor.dev/v1alpha1
            kind: VaultProfile
            metadata: {name: main}
            spec: {provider: {local: {path: \(directory)/vault, keyFile: \(directory)/vault.key}}}

            """
        let loaded = ManifestLoader().load([ManifestFile(path: "/m/all.yaml", bytes: Array(yaml.utf8))])
        #expect(loaded.isValid)
        let fence = LeaderFence()
        fence.grant(LeaderFence.Hold(key: "/fence/leader", lease: 1), until: .now + .seconds(3600))
        let store = try StateStore(root: directory + "/state", etcd: EtcdStateStore(client: cluster.client(), prefix: "/unused", fence: fence))
        let adapter = try VaultRegistry(profiles: loaded.state.vaultProfiles, store: store).adapter(for: "main")
        let mark = OwnershipMark(secret: "one", type: .apiKey, fingerprint: "hmac-sha256:00")
        _ = try await adapter.write(at: "one", content: ["content": SecretValue("fence-value-1-Zr8")], mark: mark, expected: .absent)

        // The renewal is late: the deadline has passed.
        fence.grant(LeaderFence.Hold(key: "/fence/leader", lease: 1), until: .now)
        await #expect(throws: VaultError.self) {
            _ = try await adapter.write(at: "two", content: ["content": SecretValue("fence-value-2-Zr8")], mark: mark, expected: .absent)
        }
        await #expect(throws: VaultError.self) { try await adapter.delete(at: "one") }
        #expect(try await adapter.readMetadata(at: "two") == nil, "a vault write went out after the deadline")
        #expect(try await adapter.readMetadata(at: "one") != nil, "a vault delete went out after the deadline")
    }
}
