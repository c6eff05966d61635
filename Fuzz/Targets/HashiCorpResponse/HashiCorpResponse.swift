import FuzzSupport
@testable import TresorCore

@testable import TresorVaults

/// OpenBao/Vault responses, as `HashiCorpAdapter` reads them: an AppRole login, the mount
/// lookup, metadata, data and list answers, each operation in turn taking the next
/// responses the input holds (``ScriptedHTTP``).
///
/// Property: no error the adapter throws contains a secret value the server sent.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHashiCorpResponse(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzing(data, size) { input in
        let values = ServerValues.found(in: input.bytes, at: ["data", "data"])
        let adapter = HashiCorpAdapter(
            config: HashiCorpProvider(
                address: "https://vault.fuzz:8200", mount: "secret", pathPrefix: "apps",
                auth: .appRole(AppRoleAuth(roleId: .fromEnv("ROLE_ID"), secretId: .fromEnv("SECRET_ID")))),
            http: ScriptedHTTP(HashiCorpResponses.withoutUpgradeNotice(input.bytes)),
            credentials: { _ in "fuzz-credential" })
        checkErrorsLeaveOut(values, what: "a value", [
            { _ = try await adapter.connect() },
            { _ = try await adapter.readMetadata(at: "db") },
            { _ = try await adapter.read(at: "db", version: nil) },
            { _ = try await adapter.read(at: "db", version: "2") },
            { _ = try await adapter.listManaged() },
        ])
    }
}

enum HashiCorpResponses {
    /// The adapter waits out a mount's "Upgrading from non-versioned to versioned data"
    /// answers for about 15 s on purpose; the fuzzer is kept from timing that wait.
    static func withoutUpgradeNotice(_ bytes: [UInt8]) -> [UInt8] {
        let notice = Array("Upgrading from non-versioned".utf8)
        var bytes = bytes
        var index = 0
        while index + notice.count <= bytes.count {
            if bytes[index..<(index + notice.count)].elementsEqual(notice) { bytes[index] = UInt8(ascii: "u") }
            index += 1
        }
        return bytes
    }
}
