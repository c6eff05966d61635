import Foundation

/// A `Secret` resource (the fields tresor uses).
struct GCPSecret: Codable, Sendable {
    struct Replication: Codable, Sendable {
        struct Automatic: Codable, Sendable {}
        var automatic: Automatic?
    }

    /// `projects/<project>/secrets/<id>`.
    var name: String?
    var replication: Replication?
    var labels: [String: String]?
    var annotations: [String: String]?
    var createTime: String?
    var etag: String?

    /// The secret id: the last segment of `name`.
    var id: String? { name?.split(separator: "/").last.map(String.init) }
}

/// A `SecretVersion` resource.
struct GCPSecretVersion: Decodable, Sendable {
    /// `projects/<project>/secrets/<id>/versions/<n>`.
    var name: String?
    var createTime: String?
    var state: String?

    var number: String? { name?.split(separator: "/").last.map(String.init) }
}

/// `AccessSecretVersionResponse`.
struct GCPAccessResponse: Decodable, Sendable {
    struct Payload: Decodable, Sendable {
        var data: String?
    }

    var name: String?
    var payload: Payload?
}

/// The body of `:addVersion`.
struct GCPAddVersion: Encodable, Sendable {
    struct Payload: Encodable, Sendable {
        var data: String
        var dataCrc32c: String
    }

    var payload: Payload
}

struct GCPSecretList: Decodable, Sendable {
    var secrets: [GCPSecret]?
    var nextPageToken: String?
}

/// `{"error": {"code": 404, "message": "…", "status": "NOT_FOUND"}}`: messages name
/// resources, never payloads.
struct GCPErrorBody: Decodable, Sendable {
    struct Inner: Decodable, Sendable {
        var message: String?
        var status: String?
    }

    var error: Inner?

    static func summary(_ body: [UInt8]) -> String? {
        guard let inner = (try? JSONDecoder().decodeBounded(GCPErrorBody.self, from: Data(body)))?.error else { return nil }
        let text = [inner.status, inner.message].compactMap { $0 }.joined(separator: ": ")
        return text.isEmpty ? nil : text
    }
}

/// CRC32C (Castagnoli), which `:addVersion` takes to check the payload arrived intact.
enum CRC32C {
    static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        return crc
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
