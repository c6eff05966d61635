import Foundation

// The Secrets Manager JSON 1.1 requests and answers tresor uses, with AWS's field names.

struct AWSTag: Codable, Sendable, Hashable {
    let key: String
    let value: String

    enum CodingKeys: String, CodingKey {
        case key = "Key"
        case value = "Value"
    }
}

struct AWSCreateSecretRequest: Encodable {
    let name: String
    let clientRequestToken: String
    let secretString: String
    let tags: [AWSTag]

    enum CodingKeys: String, CodingKey {
        case name = "Name", clientRequestToken = "ClientRequestToken", secretString = "SecretString", tags = "Tags"
    }
}

struct AWSPutSecretValueRequest: Encodable {
    let secretId: String
    let clientRequestToken: String
    let secretString: String

    enum CodingKeys: String, CodingKey {
        case secretId = "SecretId", clientRequestToken = "ClientRequestToken", secretString = "SecretString"
    }
}

/// `{"SecretId": …}`: DescribeSecret, RestoreSecret, ListSecretVersionIds.
struct AWSSecretIdRequest: Encodable {
    let secretId: String

    enum CodingKeys: String, CodingKey { case secretId = "SecretId" }
}

struct AWSGetSecretValueRequest: Encodable {
    let secretId: String
    let versionId: String?

    enum CodingKeys: String, CodingKey { case secretId = "SecretId", versionId = "VersionId" }
}

struct AWSDeleteSecretRequest: Encodable {
    let secretId: String
    let recoveryWindowInDays: Int?
    let forceDeleteWithoutRecovery: Bool?

    enum CodingKeys: String, CodingKey {
        case secretId = "SecretId", recoveryWindowInDays = "RecoveryWindowInDays"
        case forceDeleteWithoutRecovery = "ForceDeleteWithoutRecovery"
    }
}

struct AWSTagResourceRequest: Encodable {
    let secretId: String
    let tags: [AWSTag]

    enum CodingKeys: String, CodingKey { case secretId = "SecretId", tags = "Tags" }
}

struct AWSUntagResourceRequest: Encodable {
    let secretId: String
    let tagKeys: [String]

    enum CodingKeys: String, CodingKey { case secretId = "SecretId", tagKeys = "TagKeys" }
}

struct AWSListSecretsRequest: Encodable {
    struct Filter: Encodable {
        let key: String
        let values: [String]

        enum CodingKeys: String, CodingKey { case key = "Key", values = "Values" }
    }

    let filters: [Filter]
    let maxResults: Int
    let nextToken: String?

    enum CodingKeys: String, CodingKey { case filters = "Filters", maxResults = "MaxResults", nextToken = "NextToken" }
}

/// The answer of CreateSecret and PutSecretValue.
struct AWSWriteResponse: Decodable {
    let versionId: String?

    enum CodingKeys: String, CodingKey { case versionId = "VersionId" }
}

/// DescribeSecret's answer; also one entry of ListSecrets (which calls the stages map
/// `SecretVersionsToStages`).
struct AWSSecretDescription: Decodable {
    let name: String?
    let tags: [AWSTag]?
    let versionIdsToStages: [String: [String]]?
    let deletedDate: Double?
    let lastChangedDate: Double?

    enum CodingKeys: String, CodingKey {
        case name = "Name", tags = "Tags", versionIdsToStages = "VersionIdsToStages"
        case secretVersionsToStages = "SecretVersionsToStages"
        case deletedDate = "DeletedDate", lastChangedDate = "LastChangedDate"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        tags = try container.decodeIfPresent([AWSTag].self, forKey: .tags)
        versionIdsToStages =
            try container.decodeIfPresent([String: [String]].self, forKey: .versionIdsToStages)
            ?? container.decodeIfPresent([String: [String]].self, forKey: .secretVersionsToStages)
        deletedDate = try container.decodeIfPresent(Double.self, forKey: .deletedDate)
        lastChangedDate = try container.decodeIfPresent(Double.self, forKey: .lastChangedDate)
    }

    /// The id of the version labelled `AWSCURRENT`.
    var currentVersion: String? {
        versionIdsToStages?.first { $0.value.contains("AWSCURRENT") }?.key
    }

    var isScheduledForDeletion: Bool { deletedDate != nil }
}

struct AWSListSecretsResponse: Decodable {
    let secretList: [AWSSecretDescription]?
    let nextToken: String?

    enum CodingKeys: String, CodingKey { case secretList = "SecretList", nextToken = "NextToken" }
}

struct AWSGetSecretValueResponse: Decodable {
    let versionId: String?
    let secretString: String?
    /// Base64 in the JSON protocol.
    let secretBinary: String?
    let createdDate: Double?

    enum CodingKeys: String, CodingKey {
        case versionId = "VersionId", secretString = "SecretString", secretBinary = "SecretBinary", createdDate = "CreatedDate"
    }
}

struct AWSListVersionsResponse: Decodable {
    struct Version: Decodable {
        let versionId: String

        enum CodingKeys: String, CodingKey { case versionId = "VersionId" }
    }

    let versions: [Version]?
    let nextToken: String?

    enum CodingKeys: String, CodingKey { case versions = "Versions", nextToken = "NextToken" }
}
