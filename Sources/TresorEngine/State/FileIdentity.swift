#if canImport(Glibc)
    import Glibc
#endif

/// What tells one version of a file from another without reading it: tresor replaces a
/// file by rename (a new inode), appending changes its size, and an edit in place changes
/// its times.
struct FileIdentity: Equatable {
    var device: UInt
    var inode: UInt
    var size: Int
    /// Nanoseconds since 1970.
    var modified: Int
    var changed: Int

    init(_ info: stat) {
        device = UInt(info.st_dev)
        inode = UInt(info.st_ino)
        size = Int(info.st_size)
        modified = Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec)
        changed = Int(info.st_ctim.tv_sec) * 1_000_000_000 + Int(info.st_ctim.tv_nsec)
    }
}
