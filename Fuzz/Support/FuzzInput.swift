/// The bytes libFuzzer hands a target, with the few ways targets split them.
public struct FuzzInput {
    public let bytes: [UInt8]

    public init(_ data: UnsafePointer<UInt8>?, _ size: Int) {
        bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    }

    /// The first byte picks one of `choices`; the rest is the payload.
    public func choosing<T>(_ choices: [T]) -> (choice: T, rest: [UInt8]) {
        guard let first = bytes.first else { return (choices[0], []) }
        return (choices[Int(first) % choices.count], Array(bytes.dropFirst()))
    }

    /// The bytes as text, invalid UTF-8 repaired as the product's readers repair it.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
