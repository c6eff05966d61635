/// A duration written as in manifests: `30s`, `10m`, `1h30m`, `90d`, `2w`.
public struct Period: Sendable, Hashable, CustomStringConvertible {
    public let seconds: Int
    public let text: String

    public init?(_ text: String) {
        var total = 0
        var number = 0
        var digits = 0
        var units = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let (shifted, overflow) = number.multipliedReportingOverflow(by: 10)
                guard !overflow, digits < 12 else { return nil }
                number = shifted + Int(byte - UInt8(ascii: "0"))
                digits += 1
            default:
                guard digits > 0, let unit = Period.unitSeconds(byte) else { return nil }
                // Twelve digits of weeks fit; sixteen of them in a row do not.
                let (part, overflow) = number.multipliedReportingOverflow(by: unit)
                let (sum, sumOverflow) = total.addingReportingOverflow(part)
                guard !overflow, !sumOverflow else { return nil }
                total = sum
                number = 0
                digits = 0
                units += 1
            }
        }
        guard digits == 0, units > 0, total > 0 else { return nil }
        self.seconds = total
        self.text = text
    }

    public init(seconds: Int) {
        self.seconds = seconds
        self.text = "\(seconds)s"
    }

    private static func unitSeconds(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "s"): 1
        case UInt8(ascii: "m"): 60
        case UInt8(ascii: "h"): 3_600
        case UInt8(ascii: "d"): 86_400
        case UInt8(ascii: "w"): 604_800
        default: nil
        }
    }

    public var description: String { text }
}

/// As written in manifests (`90d`), so a recorded rule reads as its manifest did.
extension Period: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let period = Period(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(Text.short(text))' is not a duration (30s, 10m, 90d)")
        }
        self = period
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
