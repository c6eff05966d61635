import ArgumentParser

/// A size on the command line: `1048576`, `512KiB`, `100MiB`, `1GiB` (K, M, G and KB, MB,
/// GB are read as the same powers of 1024).
struct ByteCount: ExpressibleByArgument, Sendable {
    var bytes: Int

    init(bytes: Int) {
        self.bytes = bytes
    }

    init?(argument: String) {
        let digits = argument.prefix { $0.isNumber }
        let unit = argument.dropFirst(digits.count).uppercased()
        let shifts = ["": 0, "B": 0, "K": 10, "KB": 10, "KIB": 10, "M": 20, "MB": 20, "MIB": 20, "G": 30, "GB": 30, "GIB": 30]
        guard let count = Int(digits), count > 0, let shift = shifts[unit], count <= Int.max >> shift else { return nil }
        bytes = count << shift
    }

    var defaultValueDescription: String { bytes % (1 << 20) == 0 ? "\(bytes >> 20)MiB" : "\(bytes)" }
}
