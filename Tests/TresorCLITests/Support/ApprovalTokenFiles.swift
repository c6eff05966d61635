import Foundation
import Testing

extension CLI {
    /// Makes an approval-API token for `identity` in the state directory's tokens file and
    /// returns the path of a file holding it.
    func tokenFile(for identity: String) async throws -> String {
        try FileManager.default.createDirectory(atPath: path("state"), withIntermediateDirectories: true)
        let made = try await run(["approvals", "token", "add", "--as", identity, "--tokens-file", "state/approval-tokens"])
        #expect(made.status == 0, "\(made.stderr)")
        try write(made.stdout, to: "tokens/\(identity)")
        return path("tokens/\(identity)")
    }
}
