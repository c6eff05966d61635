import TresorCore

extension HashiCorpAdapter {
    /// How many metadata reads ``listManaged()`` keeps in flight.
    static let listConcurrency = 16

    /// Every secret under the prefix that carries a tresor mark, sorted by path: the
    /// folders are walked with `LIST <mount>/metadata/<prefix>/…` (keys ending in `/`
    /// are folders), then each secret's metadata is read. Secrets whose current version
    /// is deleted are left out. Empty on a KV v1 mount, which cannot hold marks.
    public func listManaged() async throws -> [VaultEntryMetadata] {
        guard try await kvVersion() == .v2 else { return [] }
        var paths: [String] = []
        try await collect(folder: [], into: &paths)
        let found = try await withThrowingTaskGroup(of: VaultEntryMetadata?.self) { group in
            var results: [VaultEntryMetadata] = []
            var pending = paths.makeIterator()
            func next() -> Bool {
                guard let path = pending.next() else { return false }
                group.addTask { try await self.readMetadata(at: path) }
                return true
            }
            for _ in 0..<Self.listConcurrency where !next() { break }
            while let metadata = try await group.next() {
                if let metadata, metadata.mark != nil { results.append(metadata) }
                _ = next()
            }
            return results
        }
        return found.sorted { $0.path < $1.path }
    }

    /// Appends the relative path of every key under `folder` (segments below the prefix).
    private func collect(folder: [String], into paths: inout [String]) async throws {
        let below = HashiCorpPath.encode((prefix + folder).joined(separator: "/"))
        let apiPath = HashiCorpPath.encode(mount) + "/metadata/" + (below.isEmpty ? "" : below + "/")
        let response = try await call("LIST", apiPath)
        switch response.status {
        case 200: break
        case 404: return
        default: throw transport.failure(response, method: "LIST", apiPath: apiPath)
        }
        let keys = try transport.decode(HashiCorpListResponse.self, from: response, apiPath: apiPath).data?.keys ?? []
        for key in keys.sorted() {
            if key.hasSuffix("/") {
                let name = String(key.dropLast())
                guard !name.isEmpty, name != ".", name != "..", !name.contains("/") else { continue }
                try await collect(folder: folder + [name], into: &paths)
            } else {
                let path = (folder + [key]).joined(separator: "/")
                // A key no secret path leads to was not written by tresor.
                guard (try? HashiCorpPath.validated(path, server: transport.server)) != nil else { continue }
                paths.append(path)
            }
        }
    }
}
