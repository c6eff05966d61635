import Foundation
import TresorCore

/// `GET sys/internal/ui/mounts/<mount>`.
struct HashiCorpMountResponse: Decodable {
    struct Body: Decodable {
        struct Options: Decodable {
            let version: String?
        }
        let type: String?
        let options: Options?
    }
    let data: Body
}

/// `GET <mount>/metadata/<path>`.
struct HashiCorpMetadataResponse: Decodable {
    struct Version: Decodable {
        let createdTime: String?
        let deletionTime: String?
        let destroyed: Bool?

        enum CodingKeys: String, CodingKey {
            case createdTime = "created_time", deletionTime = "deletion_time", destroyed
        }
    }
    struct Body: Decodable {
        let currentVersion: Int
        let customMetadata: [String: String]?
        let updatedTime: String?
        let versions: [String: Version]?

        enum CodingKeys: String, CodingKey {
            case currentVersion = "current_version", customMetadata = "custom_metadata", updatedTime = "updated_time"
            case versions
        }
    }
    let data: Body
}

/// The metadata of one version, in `data` and write responses.
struct HashiCorpVersionMetadata: Decodable {
    let version: Int
    let createdTime: String?
    let deletionTime: String?
    let destroyed: Bool?
    let customMetadata: [String: String]?

    enum CodingKeys: String, CodingKey {
        case version, createdTime = "created_time", deletionTime = "deletion_time", destroyed
        case customMetadata = "custom_metadata"
    }
}

/// `GET <mount>/data/<path>` (KV v2).
struct HashiCorpDataResponse: Decodable {
    struct Body: Decodable {
        let data: [String: HashiCorpJSONValue]?
        let metadata: HashiCorpVersionMetadata?
    }
    let data: Body?
}

/// `POST <mount>/data/<path>` (KV v2).
struct HashiCorpWriteResponse: Decodable {
    let data: HashiCorpVersionMetadata
}

/// `GET <mount>/<path>` (KV v1).
struct HashiCorpV1Response: Decodable {
    let data: [String: HashiCorpJSONValue]?
}

/// `LIST …`.
struct HashiCorpListResponse: Decodable {
    struct Body: Decodable {
        let keys: [String]?
    }
    let data: Body?
}

/// The `auth` block of a login or renewal.
struct HashiCorpAuthResponse: Decodable {
    struct Body: Decodable {
        let clientToken: String
        let leaseDuration: Int?
        let renewable: Bool?

        enum CodingKeys: String, CodingKey {
            case clientToken = "client_token", leaseDuration = "lease_duration", renewable
        }

        /// `lease_duration`, never negative and at most ten years: a server may send any
        /// integer, and the renewal time is computed from it in milliseconds.
        var leaseSeconds: Int { min(max(leaseDuration ?? 0, 0), 315_360_000) }
    }
    let auth: Body?
}

/// Request bodies (two per created secret).
package enum HashiCorpRequestBody {
    /// `POST <mount>/data/<path>` (KV v2): `{"data":{…},"options":{"cas":N}}`.
    package static func write(data: [String: String], cas: Int) -> [UInt8] {
        encoded(Write(data: data, options: .init(cas: cas)))
    }

    /// `POST <mount>/metadata/<path>`: `{"custom_metadata":{…}}`.
    package static func metadata(custom: [String: String]) -> [UInt8] {
        encoded(Metadata(custom_metadata: custom))
    }

    /// `POST <mount>/<path>` (KV v1): the data itself.
    static func writeV1(data: [String: String]) -> [UInt8] {
        encoded(data)
    }

    private struct Write: Encodable {
        struct Options: Encodable { var cas: Int }
        var data: [String: String]
        var options: Options
    }

    private struct Metadata: Encodable {
        var custom_metadata: [String: String]
    }

    private static func encoded(_ body: some Encodable) -> [UInt8] {
        // Strings and integers only: encoding cannot fail.
        (try? JSONEncoder.canonical.encode(body)).map(Array.init) ?? []
    }
}

/// A value in a secret's data. tresor writes strings; other tools may write numbers,
/// booleans, null or nested JSON, which are read as their JSON text.
enum HashiCorpJSONValue: Decodable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([HashiCorpJSONValue])
    case object([String: HashiCorpJSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode([HashiCorpJSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: HashiCorpJSONValue].self))
        }
    }

    /// The string itself for a string; JSON text for anything else.
    var text: String {
        switch self {
        case .string(let value): value
        default: json
        }
    }

    private var json: String {
        switch self {
        case .string(let value):
            (try? String(decoding: JSONEncoder().encode(value), as: UTF8.self)) ?? "\"\""
        case .number(let value):
            value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .bool(let value): value ? "true" : "false"
        case .null: "null"
        case .array(let values): "[" + values.map(\.json).joined(separator: ",") + "]"
        case .object(let values):
            "{" + values.sorted { $0.key < $1.key }.map { HashiCorpJSONValue.string($0.key).json + ":" + $0.value.json }
                .joined(separator: ",") + "}"
        }
    }
}

/// RFC 3339 times as the server writes them (`2026-11-27T09:25:18.133304485Z`).
enum HashiCorpTime {
    /// Parses RFC 3339 with any fraction (Vault writes nanoseconds); nil for anything else (or `""`).
    static func parse(_ text: String?) -> Date? {
        guard let text, !text.isEmpty else { return nil }
        return Timestamp(rfc3339: text)?.date
    }
}
