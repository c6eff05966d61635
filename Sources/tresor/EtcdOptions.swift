import ArgumentParser
import Foundation
import TresorEngine
import TresorVaults

/// Where the state lives when it is shared by several machines: an etcd cluster.
struct EtcdOptions: ParsableArguments {
    @Option(
        name: .customLong("etcd-endpoints"),
        help: "etcd client URLs, comma-separated (or TRESOR_ETCD_ENDPOINTS): the state lives there instead of --state-dir.")
    var endpoints: String?

    @Option(name: .customLong("etcd-prefix"), help: "Key prefix of this installation's state in etcd.")
    var prefix = "/tresor"

    @Option(name: .customLong("etcd-cacert"), help: "CA bundle that signed the etcd members' certificates.")
    var caFile: String?

    @Option(name: .customLong("etcd-cert"), help: "Client certificate presented to etcd.")
    var certFile: String?

    @Option(name: .customLong("etcd-key"), help: "Private key of --etcd-cert.")
    var keyFile: String?

    func validate() throws {
        if let list = endpointList, list.isEmpty { throw ValidationError("--etcd-endpoints takes URL[,URL…], e.g. http://127.0.0.1:2379") }
        if let bad = endpointList?.first(where: { !$0.hasPrefix("http://") && !$0.hasPrefix("https://") }) {
            throw ValidationError("--etcd-endpoints: '\(bad)' is not an http:// or https:// URL")
        }
        if !prefix.hasPrefix("/") || prefix.count < 2 { throw ValidationError("--etcd-prefix must start with / and name something, e.g. /tresor") }
        if (certFile == nil) != (keyFile == nil) { throw ValidationError("--etcd-cert and --etcd-key go together") }
    }

    /// The endpoints from the flag or the environment; nil when the state is a directory.
    var endpointList: [String]? {
        guard let raw = endpoints ?? ProcessInfo.processInfo.environment["TRESOR_ETCD_ENDPOINTS"], !raw.isEmpty else { return nil }
        return raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The etcd store, nil without endpoints.
    func store(fence: LeaderFence? = nil) -> EtcdStateStore? {
        guard let endpoints = endpointList else { return nil }
        let client = EtcdClient(
            configuration: .init(endpoints: endpoints, tls: TLSOptions(caFile: caFile, certFile: certFile, keyFile: keyFile)))
        return EtcdStateStore(client: client, prefix: prefix, fence: fence)
    }
}

extension GlobalOptions {
    /// The state store of a command that writes: the directory (created when missing) or etcd.
    func openStore(fence: LeaderFence? = nil) throws -> StateStore {
        let root = StateDirectory.path(stateDir)
        var store = try etcd.store(fence: fence).map { try StateStore(root: root, etcd: $0) } ?? StateStore(root: root)
        store.auditRotation = auditRotation
        return store
    }

    /// The state store of a command that only reads: nothing is created.
    func readingStore() -> StateStore {
        let root = StateDirectory.path(stateDir)
        guard let etcd = etcd.store() else { return StateStore(readingAt: root) }
        return StateStore(readingAt: root, etcd: etcd)
    }
}
