import Foundation

/// A strict, allocation-light reader of JSON text, for the one line that metadata reads
/// decode: Foundation's `JSONDecoder` costs several microseconds per call on Linux even
/// for a tiny object, which dominates a metadata read. It reads values in place and
/// throws on anything that is not JSON.
struct LocalJSONScanner {
    struct Invalid: Error {}

    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Calls `body` with each key of an object; `body` must read or skip the value.
    mutating func readObject(_ body: (inout LocalJSONScanner, String) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return }
        // JSON leaves a repeated key to the reader: it is refused, so that `JSONDecoder`
        // behind this reads it (and the two never read one line two ways).
        var keys: [String] = []
        repeat {
            skipWhitespace()
            let key = try readString()
            guard !keys.contains(key) else { throw Invalid() }
            keys.append(key)
            try expect(UInt8(ascii: ":"))
            try body(&self, key)
            skipWhitespace()
        } while consume(UInt8(ascii: ","))
        try expect(UInt8(ascii: "}"))
    }

    /// True, having read it, when the next value is `null`.
    mutating func readNull() -> Bool {
        skipWhitespace()
        guard bytes.count - index >= 4, bytes[index] == UInt8(ascii: "n"), bytes[index + 1] == UInt8(ascii: "u"),
            bytes[index + 2] == UInt8(ascii: "l"), bytes[index + 3] == UInt8(ascii: "l")
        else { return false }
        index += 4
        return true
    }

    mutating func readString() throws -> String {
        try expect(UInt8(ascii: "\""))
        let start = index
        // Fast path: no escapes.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                guard let text = String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self) else {
                    throw Invalid()
                }
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw Invalid() }
            index += 1
        }
        var utf8 = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: utf8, as: UTF8.self) else { throw Invalid() }
                return text
            case UInt8(ascii: "\\"):
                try readEscape(into: &utf8)
            case 0..<0x20:
                throw Invalid()
            default:
                utf8.append(byte)
            }
        }
        throw Invalid()
    }

    mutating func readDouble() throws -> Double {
        let text = try numberText()
        guard let value = Double(text), value.isFinite else { throw Invalid() }
        return value
    }

    mutating func readInt() throws -> Int {
        guard let value = Int(try numberText()) else { throw Invalid() }
        return value
    }

    /// Reads past the next value, whatever it is.
    mutating func skipValue() throws {
        skipWhitespace()
        guard index < bytes.count else { throw Invalid() }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            try readObject { scanner, _ in try scanner.skipValue() }
        case UInt8(ascii: "["):
            index += 1
            skipWhitespace()
            if consume(UInt8(ascii: "]")) { return }
            repeat { try skipValue() } while consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "]"))
        case UInt8(ascii: "\""):
            _ = try readString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default:
            _ = try numberText()
        }
    }

    /// Checks that nothing but whitespace follows.
    mutating func expectEnd() throws {
        skipWhitespace()
        guard index == bytes.count else { throw Invalid() }
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): index += 1
            default: return
            }
        }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard consume(byte) else { throw Invalid() }
    }

    private mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw Invalid() }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw Invalid() }
        index += count
    }

    /// The text of a number, checked against JSON's grammar:
    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func numberText() throws -> String {
        skipWhitespace()
        let start = index
        _ = consumeRaw(UInt8(ascii: "-"))
        if !consumeRaw(UInt8(ascii: "0")) { try digits() }
        if consumeRaw(UInt8(ascii: ".")) { try digits() }
        if consumeRaw(UInt8(ascii: "e")) || consumeRaw(UInt8(ascii: "E")) {
            if !consumeRaw(UInt8(ascii: "+")) { _ = consumeRaw(UInt8(ascii: "-")) }
            try digits()
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    private mutating func digits() throws {
        let start = index
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
        guard index > start else { throw Invalid() }
    }

    private mutating func consumeRaw(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Reads the escape after a backslash and appends its UTF-8.
    private mutating func readEscape(into utf8: inout [UInt8]) throws {
        guard index < bytes.count else { throw Invalid() }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(byte)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800..<0xDC00).contains(scalar) {
                // A high surrogate must be followed by an escaped low one.
                guard consumeRaw(UInt8(ascii: "\\")), consumeRaw(UInt8(ascii: "u")) else { throw Invalid() }
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw Invalid() }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw Invalid() }
            UTF8.encode(unicode) { utf8.append($0) }
        default:
            throw Invalid()
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard bytes.count - index >= 4 else { throw Invalid() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            index += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Invalid()
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
