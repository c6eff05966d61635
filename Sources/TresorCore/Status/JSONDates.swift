import Foundation

/// Dates in tresor's JSON documents as everywhere else it writes them: RFC 3339 UTC to
/// the millisecond (``StatusCoding/formatDate(_:)``), read back by ``Timestamp``, which
/// also reads the second-precision form older files have.
extension JSONEncoder.DateEncodingStrategy {
    public static var tresor: JSONEncoder.DateEncodingStrategy {
        .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(StatusCoding.formatDate(date))
        }
    }
}

extension JSONDecoder.DateDecodingStrategy {
    public static var tresor: JSONDecoder.DateDecodingStrategy {
        .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let timestamp = Timestamp(rfc3339: text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(Text.short(text))' is not an RFC 3339 time")
            }
            return timestamp.date
        }
    }
}
