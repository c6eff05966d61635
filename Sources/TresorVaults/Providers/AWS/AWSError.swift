import Foundation

/// An AWS error answer: JSON `{"__type": "…#Code", "message": "…"}` from Secrets Manager,
/// or the XML `<ErrorResponse>` that signature checks in front of it may send.
struct AWSError: Sendable {
    enum Category: Sendable, Hashable {
        case authentication, accessDenied, throttling, notFound, scheduledForDeletion, exists, unavailable, invalid
    }

    let status: Int
    /// The error code without its namespace (`ResourceNotFoundException`); empty if none.
    let code: String
    let message: String

    init(_ response: HTTPResponse) {
        status = response.status
        var code = ""
        var message = ""
        if let body = try? JSONDecoder().decodeBounded(AWSErrorBody.self, from: Data(response.body)) {
            code = body.type ?? body.code ?? ""
            message = body.message ?? body.capitalMessage ?? ""
        } else {
            let text = String(decoding: response.body, as: UTF8.self)
            code = Self.element("Code", in: text) ?? ""
            message = Self.element("Message", in: text) ?? ""
        }
        if let hash = code.lastIndex(of: "#") { code = String(code[code.index(after: hash)...]) }
        if let colon = code.firstIndex(of: ":") { code = String(code[..<colon]) }
        if code.isEmpty { code = response.headers["x-amzn-errortype"].map { String($0.prefix { $0 != ":" }) } ?? "" }
        self.code = code
        self.message = message.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// `Code: message`, for error texts. AWS messages name resources, never secret values.
    var summary: String {
        [code, message].filter { !$0.isEmpty }.joined(separator: ": ")
    }

    var isThrottling: Bool { category == .throttling }

    var category: Category {
        switch code {
        case "UnrecognizedClientException", "InvalidSignatureException", "SignatureDoesNotMatch", "InvalidClientTokenId",
            "IncompleteSignature", "IncompleteSignatureException", "MissingAuthenticationToken",
            "MissingAuthenticationTokenException", "ExpiredToken", "ExpiredTokenException", "AuthFailure":
            return .authentication
        case "AccessDeniedException", "AccessDenied":
            return .accessDenied
        case "ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded":
            return .throttling
        case "ResourceNotFoundException":
            return .notFound
        case "ResourceExistsException":
            return .exists
        case "InvalidRequestException" where Self.saysDeleted(message):
            return .scheduledForDeletion
        case "InternalServiceError", "InternalFailure", "ServiceUnavailable":
            return .unavailable
        default:
            if status == 429 { return .throttling }
            if status >= 500 { return .unavailable }
            if status == 401 || status == 403 { return .authentication }
            return .invalid
        }
    }

    static func saysDeleted(_ message: String) -> Bool {
        let text = message.lowercased()
        return text.contains("marked deleted") || text.contains("scheduled for deletion") || text.contains("marked for deletion")
    }

    /// The text of the first `<name>…</name>` element.
    private static func element(_ name: String, in text: String) -> String? {
        guard let open = text.range(of: "<\(name)>"), let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex)
        else { return nil }
        return String(text[open.upperBound..<close.lowerBound])
    }
}

private struct AWSErrorBody: Decodable {
    let type: String?
    let code: String?
    let message: String?
    let capitalMessage: String?

    enum CodingKeys: String, CodingKey {
        case type = "__type"
        case code = "Code"
        case message
        case capitalMessage = "Message"
    }
}
