import ArgumentParser
import Foundation
import TresorCore
import TresorEngine
import TresorVaults

extension Tresor {
    struct Reconcile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask a running daemon for a pass now (POST /reconcile), of one secret or of all.")

        @Argument(help: "The secret (default: every declared secret).") var name: String?
        @Option(help: "The daemon's address, as its --listen (e.g. http://127.0.0.1:9464).") var server: String
        @Option(
            name: .customLong("token-file"),
            help: "A file holding an approval-API token of the daemon's tokens file (or set TRESOR_APPROVAL_TOKEN).")
        var tokenFile: String?

        func run() async throws {
            var token = ProcessInfo.processInfo.environment["TRESOR_APPROVAL_TOKEN"]
            if let tokenFile {
                guard let data = FileManager.default.contents(atPath: tokenFile) else { throw CommandFailure("cannot read the token file \(tokenFile)") }
                token = String(decoding: data, as: UTF8.self)
            }
            guard let token = token?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty else {
                throw CommandFailure("POST /reconcile needs a token: --token-file FILE or TRESOR_APPROVAL_TOKEN")
            }
            let base = server.hasPrefix("http") ? server : "http://" + server
            let url = base.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/reconcile"
                + (name.map { "/" + ($0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? $0) } ?? "")
            let response: HTTPResponse
            do {
                response = try await CurlHTTPClient().send(
                    HTTPRequest(method: "POST", url: url, headers: [("Authorization", "Bearer " + token)], body: []), tls: TLSOptions())
            } catch {
                throw CommandFailure("cannot reach the daemon at \(base): \(error)")
            }
            let body = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: String] ?? [:]
            guard response.status == 202 else { throw CommandFailure("the daemon answered \(response.status): \(body["error"] ?? "")") }
            let queued = body["queued"].map { $0.split(separator: ",").count } ?? 0
            print("queued \(name.map { "Secret \($0)" } ?? "\(queued) secrets") for a pass now")
        }
    }

    struct Suspend: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tell the daemon to leave a secret alone (no writes, no drift repair) until `tresor resume`.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The secret's name.") var name: String
        @Option(help: "Why, for the log and `describe`.") var reason: String?

        func run() throws {
            let by = ProcessInfo.processInfo.environment["USER"].map { "user:\($0)" } ?? "cli"
            try setSuspension(global: global, name: name, Suspensions.Entry(since: Date(), by: by, reason: reason))
            print("Secret \(name) suspended: the daemon leaves it alone until `tresor resume \(name)`")
        }
    }

    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Let the daemon reconcile a suspended secret again; a running daemon passes it at once.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The secret's name.") var name: String

        func run() throws {
            try setSuspension(global: global, name: name, nil)
            print("Secret \(name) resumed")
        }
    }
}

/// Records a suspension (or its end); the secret must be known. Not under the state
/// directory's lock, which a running daemon holds: the file is replaced atomically.
private func setSuspension(global: GlobalOptions, name: String, _ entry: Suspensions.Entry?) throws {
    do {
        let store = try global.openStore()
        guard try store.readStatus(name) != nil || store.readInventory().secrets[name] != nil else {
            throw notFound("secret", name, in: store)
        }
        let suspensions = Suspensions(store: store)
        if entry == nil, try suspensions.read()[name] == nil { throw CommandFailure("Secret \(ObjectNames.quoted(name)) is not suspended") }
        try suspensions.set(name, entry)
    } catch {
        throw CommandFailure("\(error)")
    }
}
