import Foundation

/// `SecretBundle`, and the items of `SecretListResult` (which carry no value).
struct AzureSecretBundle: Codable, Sendable {
    struct Attributes: Codable, Sendable {
        var enabled: Bool?
        var created: Double?
        var updated: Double?
    }

    var value: String?
    /// `https://<vault>/secrets/<name>/<version>` (no version in list items).
    var id: String?
    var contentType: String?
    var attributes: Attributes?
    var tags: [String: String]?

    /// The version id: the segment after the name, when `id` has one.
    var version: String? { segment(2) }

    /// The name: the segment after `secrets/`.
    var name: String? { segment(1) }

    /// The segment `offset` places after the first `secrets` (a vault URL has no path of its own).
    private func segment(_ offset: Int) -> String? {
        guard let id else { return nil }
        let segments = id.split(separator: "/")
        guard let index = segments.firstIndex(of: "secrets"), index + offset < segments.count else { return nil }
        return String(segments[index + offset])
    }
}

/// The body of `PUT secrets/<name>`.
struct AzureSetSecret: Encodable, Sendable {
    var value: String
    var tags: [String: String]
}

struct AzureSecretList: Decodable, Sendable {
    var value: [AzureSecretBundle]?
    var nextLink: String?
}

/// `{"error": {"code": "…", "message": "…"}}`: Key Vault's messages name secrets and
/// principals, never values.
struct AzureErrorBody: Decodable, Sendable {
    struct Inner: Decodable, Sendable {
        var code: String?
        var message: String?
    }

    var error: Inner?

    static func summary(_ body: [UInt8]) -> String? {
        guard let inner = (try? JSONDecoder().decodeBounded(AzureErrorBody.self, from: Data(body)))?.error else { return nil }
        let text = [inner.code, inner.message].compactMap { $0 }.joined(separator: ": ")
        return text.isEmpty ? nil : text
    }
}
