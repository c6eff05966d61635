import Foundation
import FuzzSupport

@testable import TresorCore
@testable import TresorVaults

/// Azure Key Vault, GCP Secret Manager and Kubernetes answers, as their adapters read
/// them: each adapter in turn, from the token exchange (Azure's and Google's OAuth
/// endpoints; a bearer token for Kubernetes) to metadata, content and list answers, takes
/// the next responses the input holds (``ScriptedHTTP``, one script per adapter, from the
/// same input).
///
/// Property: no error an adapter throws contains a secret value the server sent (Key
/// Vault's `value`, Secret Manager's `payload.data`, a Kubernetes Secret's `data`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCloudResponse(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzing(data, size) { input in
        let values = ServerValues.found(in: input.bytes, at: ["value"]) + ServerValues.found(in: input.bytes, at: ["payload", "data"])
            + ServerValues.found(in: input.bytes, at: ["data"])
        let headers = ["content-type": "application/json"]
        let credentials: @Sendable (CredentialSource) throws -> String = { _ in "fuzz-credential" }
        let azure = AzureAdapter(
            config: AzureProvider(
                vaultUrl: "https://team.vault.azure.net", tenantId: "tenant", clientId: .fromEnv("CLIENT_ID"),
                clientSecret: .fromEnv("CLIENT_SECRET"), authorityHost: "https://login.fuzz"),
            profile: "fuzz-azure", http: ScriptedHTTP(input.bytes, headers: headers), credentials: credentials, recoveryWaits: [])
        let gcp = try? GCPAdapter(
            config: GCPProvider(project: "fuzz", credentialsFile: ServiceAccountFile.path, endpoint: "https://sm.fuzz"),
            profile: "fuzz-gcp", http: ScriptedHTTP(input.bytes, headers: headers), environment: [:])
        let kubernetes = try? KubernetesAdapter(
            config: KubernetesProvider(server: "https://k8s.fuzz", namespace: "fuzz", token: .fromEnv("K8S_TOKEN")),
            profile: "fuzz-kubernetes", http: ScriptedHTTP(input.bytes, headers: headers), credentials: credentials, environment: [:])
        property(gcp != nil && kubernetes != nil, "an adapter could not be made")
        var adapters: [any VaultAdapter] = [azure]
        if let gcp { adapters.append(gcp) }
        if let kubernetes { adapters.append(kubernetes) }
        checkErrorsLeaveOut(values, what: "a value", adapters.flatMap { adapter -> [@Sendable () async throws -> Void] in
            [
                { _ = try await adapter.readMetadata(at: "db") },
                { _ = try await adapter.read(at: "db", version: nil) },
                { _ = try await adapter.listManaged() },
            ]
        })
    }
}

/// A service-account key file with a throwaway RSA key (made for this target, used for
/// nothing else), written once per process: the GCP adapter signs its token request with it.
enum ServiceAccountFile {
    static let path: String = {
        let file = NSTemporaryDirectory() + "tresor-fuzz-service-account-\(getpid()).json"
        let key: [String: String] = [
            "type": "service_account", "client_email": "fuzz@fuzz.iam.gserviceaccount.com", "private_key_id": "fuzz",
            "token_uri": "https://oauth2.fuzz/token", "private_key": privateKey,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: key)) ?? Data()
        // Unwritten, the adapter's own error about the missing file is what gets fuzzed: no crash either way.
        _ = FileManager.default.createFile(atPath: file, contents: data)
        return file
    }()

    static let privateKey = """
        -----BEGIN PRIVATE KEY-----
        MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCm2ENlR8LAFVqc
        I1FVtsQ+rPCU36c1cs6l3b2LWP2W6tGOQfYxEW4gt3Eld2aJFLFuSdyxbUnAqRAi
        v1BNAiIhCu8s4nB0s1+oMKt42BkqBCfcN7eTO6UUmX96J9p3IwDFaYTCdiMTKrvA
        xo62ggdZCimSfSQhAviXDPw+KayGxyDDxG6UltTtJXpwIE3/JC2H5UmgcfmsS1FE
        rC+Vn+A6KOJXJP4hmqX3GmMGIDPf+/XUc6NHBhj+y+H0cTOHoyR9gudEG7sJOLcB
        tlXhkTQeW1KZL9APmJppRqPqKkPPgTskm/5bq7B/gwdOYoqzI9D7cWISZB55S+ak
        TQ9q2wZJAgMBAAECggEAO4uUZgmZ5k7Ysz/hj8s2N74l8KPve6JZQRYlxx1ACAQP
        PQuqjzGO0ctWbM4zwHmrp1ZiFsqP11wfH5+Sy6EWyB8sZCL+io/X9GFGWU8akAXC
        qhQShs/zJypvNgwSKpHJ/SqfEH30H6uRLYhPt7Apaiw30QmrgsKaMOKYBaF+6uyD
        7azmrjAF7l1Vh4UMUbGcXubxjwIFZ5qf1WsGc+FfvuA5jJ6zqfBWMSQpmhGWIlgt
        fMTuR7voJFFOYnPHsgPT04l/LO1whzDGouNXI5DlQFpxKhqt+Q5lUpTDb0lLuWp7
        emSGJtEFaNdAcWVjcZZq1qf16fT9X2R8QqUK0rajTwKBgQDQORXHAe7wvN7IknVk
        2+6ub4tHA4Idqd0XwpErA2s4N0T4vHLqjyYV6Tjmi6PZGgtHjE4/b+za1qy5LNWX
        7K82bWBC/bLj4PFGuViufpJ0fPpWz3ZDYoUtp+cDFZptOq72j+VsocVmyThoaCq0
        UXLVn7a+b/PF+dPhF/N+eOMuZwKBgQDNIKSGx8q+oyGFXskxKLREZYFptfTfixth
        yofbb1/28GNQaFyloJBDZoxrHI74Tnie3FwamtlvMDBV3BQtX8cr+Esb2zqCqlSm
        tfWODMOPPrOKx43NGgqEUJ3KaP8d4t+7Q+k7yYFfLq+FMtiy9Ua+hlXB8qU9Wvwm
        Jve9SVDXzwKBgFS3ZQza1IRN07Z3IBww/yMpbtktrDq1aabJGpcNhQoSMpWg1oBo
        TW6MvQHPvpIN7pjllNBqkUtYHF4ax6xQN9lFFu0qmyXr1z6XGmWkSaHrV08KiWtR
        Ii45KdwvZe0a+ySF1yojh1USeUjBWN6UZMxVdtx0YBIkWvgx7nd+Z6/xAoGBALA9
        v55dwoCQwJhKnCo0gs3ROKOOxlnatygKTzfmNVmBqJLJV/CmR8zhKvxMiTomkdRM
        GIZzTSYPDTh34o4poILSzhWdAmSJ3DlwVQ47QTqt8KzoT5lNKoQMj8X8+FTBPOE0
        tAu+Uf1pqzySN0VrH+FKohwFUpuotMRC7tAfUepZAoGAEP3VlkOn6m/4Tj3SPiTi
        IRg4QDlgudQGUTqmqtCtX/lVpLMqJVXAX8E3mo2x2+GhINnsl7r7xGvAhTZ85dOP
        918t4CYW3UTPXFopr+DxnpGgiuaUDLotrozNic7UubvFoc6QOPyUYcmsXefMuy7b
        PHndCpY3wQcPp4+xyG3+Cig=
        -----END PRIVATE KEY-----
        """
}
