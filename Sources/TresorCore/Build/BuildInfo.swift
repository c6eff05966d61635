import CBuildInfo

/// What `tresor --version` and the `tresor_build_info` metric report.
public enum BuildInfo {
    public static let version = "0.1.0"
    public static let gitCommit = String(cString: tresor_git_commit())

    /// The compiler that built this binary, to the minor version.
    public static let swiftVersion: String = {
        #if compiler(>=6.4)
            "6.4+"
        #elseif compiler(>=6.3)
            "6.3"
        #elseif compiler(>=6.2)
            "6.2"
        #elseif compiler(>=6.1)
            "6.1"
        #else
            "6.0"
        #endif
    }()

    /// `tresor 0.1.0 (commit 1a2b3c4d5e6f, Swift 6.3)`.
    public static var line: String { "tresor \(version) (commit \(gitCommit), Swift \(swiftVersion))" }
}
