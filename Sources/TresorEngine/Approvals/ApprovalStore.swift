import Foundation
import TresorCore

#if canImport(Glibc)
    import Glibc
#endif

/// The approval requests in the state directory: `approvals/<secret>.yaml`, one file per
/// secret, written atomically. Every read-modify-write holds an exclusive lock on
/// `approvals/<secret>.lock`, so the engine and `tresor approve` (or the HTTP API) never
/// lose each other's update.
public struct ApprovalStore: Sendable {
    public let directory: String
    /// Set when the requests live in etcd instead of `directory`.
    let etcd: EtcdStateStore?

    public init(stateStore: StateStore) {
        directory = stateStore.root + "/approvals"
        etcd = stateStore.etcd
    }

    public func path(_ secret: String) -> String { directory + "/" + secret + ".yaml" }

    public func read(_ secret: String) throws -> ApprovalFile {
        guard let bytes = try bytes(secret) else { return ApprovalFile() }
        return try decode(bytes, secret)
    }

    func decode(_ bytes: [UInt8], _ secret: String) throws -> ApprovalFile {
        do {
            return try StatusCoding.decode(ApprovalFile.self, from: bytes)
        } catch {
            throw AtomicFile.WriteError(
                description: "approval file \(location(secret)) cannot be read (\(error)); move it aside to start the secret's approvals afresh")
        }
    }

    /// Runs `change` on the secret's file under its lock and writes the result when it differs.
    @discardableResult
    public func update<Result>(_ secret: String, _ change: (inout ApprovalFile) throws -> Result) throws -> Result {
        if let etcd { return try update(in: etcd, secret, change) }
        try AtomicFile.makeDirectory(directory)
        let lockPath = directory + "/" + secret + ".lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw AtomicFile.WriteError(description: "cannot lock \(lockPath): \(String(cString: strerror(errno)))")
        }
        defer {
            flock(descriptor, LOCK_UN)
            close(descriptor)
        }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw AtomicFile.WriteError(description: "cannot lock \(lockPath): \(String(cString: strerror(errno)))")
            }
        }
        let before = try read(secret)
        var file = before
        let result = try change(&file)
        if file != before { try AtomicFile.write(Array(try StatusCoding.encode(file).utf8), to: path(secret)) }
        return result
    }

    /// Every secret's file, by secret name.
    public func all() throws -> [String: ApprovalFile] {
        if let etcd { return try all(in: etcd) }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var files: [String: ApprovalFile] = [:]
        for name in names where name.hasSuffix(".yaml") {
            let secret = String(name.dropLast(5))
            files[secret] = try read(secret)
        }
        return files
    }

    /// The request with this id, nil when there is none.
    public func request(id: String) throws -> ApprovalRequest? {
        guard let secret = ApprovalRequest.secret(ofID: id), ApprovalSubject.isValid(secret) else { return nil }
        return try read(secret).requests.first { $0.id == id }
    }
}
