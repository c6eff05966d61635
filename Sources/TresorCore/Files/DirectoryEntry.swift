#if canImport(Glibc)
    import Glibc
#endif

/// The name of an entry `readdir` returned, read where it lies. An entry is only as long
/// as its name needs (`d_reclen`), so copying the `dirent` or its 256-byte `d_name` reads
/// past it — and faults when the entry is the last of a buffer at the end of a mapped
/// page (listing 20 directories of 1,000 files did).
public enum DirectoryEntry {
    private static let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!

    public static func withName<Result>(_ entry: UnsafeMutablePointer<dirent>, _ body: (UnsafePointer<CChar>) -> Result) -> Result {
        body(UnsafeRawPointer(entry).advanced(by: nameOffset).assumingMemoryBound(to: CChar.self))
    }

    public static func name(_ entry: UnsafeMutablePointer<dirent>) -> String {
        withName(entry) { String(cString: $0) }
    }
}
