import Foundation

/// Where the state directory is: `--state-dir`, else `TRESOR_STATE_DIR`, else `./.tresor`.
enum StateDirectory {
    static func path(_ option: String?) -> String {
        option ?? ProcessInfo.processInfo.environment["TRESOR_STATE_DIR"] ?? ".tresor"
    }
}
