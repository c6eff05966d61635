/// The parts of a core/v1 Secret tresor reads and writes.
struct KubernetesSecret: Codable, Sendable {
    var apiVersion = "v1"
    var kind = "Secret"
    var metadata: KubernetesObjectMeta
    var type: String?
    /// Field name to base64 of its bytes.
    var data: [String: String]?

    static let basicAuthType = "kubernetes.io/basic-auth"
    static let opaqueType = "Opaque"
}

struct KubernetesObjectMeta: Codable, Sendable {
    var name: String
    var namespace: String?
    var labels: [String: String]?
    var annotations: [String: String]?
    var resourceVersion: String?
    var creationTimestamp: String?
}

/// `SecretList`, one page.
struct KubernetesSecretList: Decodable, Sendable {
    struct ListMeta: Decodable, Sendable {
        var `continue`: String?
    }

    var items: [KubernetesSecret]
    var metadata: ListMeta?
}

/// The `Status` object an error answer carries.
struct KubernetesStatus: Decodable, Sendable {
    var message: String?
    var reason: String?
    var code: Int?
}

/// `DeleteOptions` with a precondition.
struct KubernetesDeleteOptions: Encodable, Sendable {
    struct Preconditions: Encodable, Sendable {
        var resourceVersion: String
    }

    var apiVersion = "v1"
    var kind = "DeleteOptions"
    var preconditions: Preconditions
}
