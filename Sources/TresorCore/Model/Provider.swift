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

    public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil, insecureSkipVerify: Bool = false) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.insecureSkipVerify = insecureSkipVerify
    }
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
    public enum Field: String, CaseIterable, Sendable { case vaultUrl, tenantId, clientId, clientSecret, authorityHost, tls, deletion }
    public static let schemaName = "AzureProvider"
    public static let requiredFields: [Field] = [.vaultUrl, .tenantId, .clientId, .clientSecret]

    public var vaultUrl: String
    public var tenantId: String
    public var clientId: CredentialSource
    public var clientSecret: CredentialSource
    /// Defaults to `https://login.microsoftonline.com`.
    public var authorityHost: String?
    public var tls: TLSConfig?
    /// `deletion: {purge: true}`: a deleted secret is purged after its soft delete.
    public var purgeOnDelete: Bool

    public init(
        vaultUrl: String, tenantId: String, clientId: CredentialSource, clientSecret: CredentialSource, authorityHost: String? = nil,
        tls: TLSConfig? = nil, purgeOnDelete: Bool = false
    ) {
        self.purgeOnDelete = purgeOnDelete
        self.vaultUrl = vaultUrl
        self.tenantId = tenantId
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.authorityHost = authorityHost
        self.tls = tls
    }
}

/// `azure.deletion`.
public enum AzureDeletionSpec: ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case purge }
    public static let schemaName = "AzureDeletion"
}

/// `gcp`: Secret Manager.
public struct GCPProvider: Sendable, Hashable, ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case project, credentialsFile, endpoint, tls }
    public static let schemaName = "GCPProvider"
    public static let requiredFields: [Field] = [.project]

    public var project: String
    /// A service-account key file; defaults to `$GOOGLE_APPLICATION_CREDENTIALS`.
    public var credentialsFile: String?
    /// Defaults to `https://secretmanager.googleapis.com`.
    public var endpoint: String?
    public var tls: TLSConfig?

    public init(project: String, credentialsFile: String? = nil, endpoint: String? = nil, tls: TLSConfig? = nil) {
        self.project = project
        self.credentialsFile = credentialsFile
        self.endpoint = endpoint
        self.tls = tls
    }
}

/// `kubernetes`: core/v1 Secrets; empty fields take the in-cluster defaults.
public struct KubernetesProvider: Sendable, Hashable, ManifestObject {
    public enum Field: String, CaseIterable, Sendable { case server, namespace, token, caFile, tls }
    public static let schemaName = "KubernetesProvider"

    public var server: String?
    public var namespace: String?
    public var token: CredentialSource?
    /// The CA of the API server; `tls.caFile` says the same.
    public var caFile: String?
    public var tls: TLSConfig?

    public init(server: String? = nil, namespace: String? = nil, token: CredentialSource? = nil, caFile: String? = nil, tls: TLSConfig? = nil) {
        self.server = server
        self.namespace = namespace
        self.token = token
        self.caFile = caFile
        self.tls = tls
    }
}
