/// The vault technology and connection of a VaultProfile: exactly one block.
public enum Provider: Sendable, Hashable {
    case local(LocalProvider)
    case hashicorp(HashiCorpProvider)
    case aws(AWSProvider)
    case azure(AzureProvider)
    case gcp(GCPProvider)
    case kubernetes(KubernetesProvider)

    public var technology: ProviderBlock.Field {
        switch self {
        case .local: .local
        case .hashicorp: .hashicorp
        case .aws: .aws
        case .azure: .azure
        case .gcp: .gcp
        case .kubernetes: .kubernetes
        }
    }
}

/// `spec.provider`: one key naming the technology.
public enum ProviderBlock: ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case local, hashicorp, aws, azure, gcp, kubernetes }
    public static let schemaName = "Provider"
}

/// `local: {path, keyFile}`: encrypted files on this machine.
public struct LocalProvider: Sendable, Hashable, ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case path, keyFile }
    public static let schemaName = "LocalProvider"

    /// Defaults to `<state-dir>/vaults/<profile>`.
    public var path: String?
    /// Defaults to `<state-dir>/local.key`.
    public var keyFile: String?
}

/// `hashicorp`: Vault or OpenBao KV v2.
public struct HashiCorpProvider: Sendable, Hashable, ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case address, mount, pathPrefix, namespace, auth, tls }
    public static let schemaName = "HashiCorpProvider"
    public static let requiredFields: [Field] = [.address, .auth]

    public var address: String
    public var mount = "secret"
    public var pathPrefix: String?
    public var namespace: String?
    public var auth: HashiCorpAuth
    public var tls: TLSConfig?
}

public enum HashiCorpAuth: Sendable, Hashable {
    case token(CredentialSource)
    case appRole(AppRoleAuth)
}

public enum HashiCorpAuthSpec: ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case token, appRole }
    public static let schemaName = "HashiCorpAuth"
}

public struct AppRoleAuth: Sendable, Hashable, ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case roleId, secretId, mount }
    public static let schemaName = "AppRoleAuth"
    public static let requiredFields: [Field] = [.roleId, .secretId]

    public var roleId: CredentialSource
    public var secretId: CredentialSource
    public var mount = "approle"
}

public struct TLSConfig: Sendable, Hashable, ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case caFile, certFile, keyFile, insecureSkipVerify }
    public static let schemaName = "TLSConfig"

    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    public var insecureSkipVerify = false
}

/// `aws`: Secrets Manager.
public struct AWSProvider: Sendable, Hashable, ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case region, endpoint, pathPrefix, auth, deletion }
    public static let schemaName = "AWSProvider"
    public static let requiredFields: [Field] = [.region]

    public var region: String
    public var endpoint: String?
    public var pathPrefix: String?
    /// Nil: the standard `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`.
    public var auth: AWSAuth?
    public var deletion: AWSDeletion = .recoveryWindow(days: 30)
}

public struct AWSAuth: Sendable, Hashable, ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case accessKeyId, secretAccessKey, sessionToken }
    public static let schemaName = "AWSAuth"
    public static let requiredFields: [Field] = [.accessKeyId, .secretAccessKey]

    public var accessKeyId: CredentialSource
    public var secretAccessKey: CredentialSource
    public var sessionToken: CredentialSource?
}

public enum AWSDeletion: Sendable, Hashable {
    case recoveryWindow(days: Int)
    case force
}

public enum AWSDeletionSpec: ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case recoveryWindowDays, force }
    public static let schemaName = "AWSDeletion"
}

/// `azure`: Key Vault secrets.
public struct AzureProvider: Sendable, Hashable, ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case vaultUrl, tenantId, clientId, clientSecret, authorityHost }
    public static let schemaName = "AzureProvider"
    public static let requiredFields: [Field] = [.vaultUrl, .tenantId, .clientId, .clientSecret]

    public var vaultUrl: String
    public var tenantId: String
    public var clientId: CredentialSource
    public var clientSecret: CredentialSource
    public var authorityHost: String?
}

/// `gcp`: Secret Manager.
public struct GCPProvider: Sendable, Hashable, ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case project, credentialsFile, endpoint }
    public static let schemaName = "GCPProvider"
    public static let requiredFields: [Field] = [.project]

    public var project: String
    public var credentialsFile: String?
    public var endpoint: String?
}

/// `kubernetes`: core/v1 Secrets; empty fields take the in-cluster defaults.
public struct KubernetesProvider: Sendable, Hashable, ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case server, namespace, token, caFile }
    public static let schemaName = "KubernetesProvider"

    public var server: String?
    public var namespace: String?
    public var token: CredentialSource?
    public var caFile: String?
}
