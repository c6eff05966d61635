#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The kernel's random bytes, a buffer at a time. `SystemRandomNumberGenerator` makes a
/// system call (getrandom) for every 8 bytes, so a 40-character password cost 40 of
/// them; this reads 256 bytes of `/dev/urandom` (the same pool, once seeded) per call,
/// and falls back to `SystemRandomNumberGenerator` where the device cannot be read.
struct KernelRandom: RandomNumberGenerator {
    private static let device: Int32 = open("/dev/urandom", O_RDONLY | O_CLOEXEC)

    private var buffer = [UInt8](repeating: 0, count: 256)
    private var used = 256

    mutating func next() -> UInt64 {
        if used + 8 > buffer.count { refill() }
        defer { used += 8 }
        return buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: used, as: UInt64.self) }
    }

    /// `count` random bytes.
    mutating func bytes(_ count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 7)
        while bytes.count < count {
            withUnsafeBytes(of: next()) { bytes.append(contentsOf: $0) }
        }
        return Array(bytes.prefix(count))
    }

    private mutating func refill() {
        used = 0
        let complete = buffer.withUnsafeMutableBytes { raw -> Bool in
            guard Self.device >= 0 else { return false }
            var filled = 0
            while filled < raw.count {
                let count = read(Self.device, raw.baseAddress! + filled, raw.count - filled)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return false }
                filled += count
            }
            return true
        }
        guard !complete else { return }
        var system = SystemRandomNumberGenerator()
        buffer.withUnsafeMutableBytes { raw in
            for offset in stride(from: 0, to: raw.count, by: 8) { raw.storeBytes(of: system.next(), toByteOffset: offset, as: UInt64.self) }
        }
    }
}
