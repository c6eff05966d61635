import Foundation
import Testing
import TresorTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A real `moto_server` (moto's Secrets Manager and IAM) on 127.0.0.1 and a free port,
/// with signature checking on: `INITIAL_NO_AUTH_ACTION_COUNT=3` lets exactly the three
/// set-up calls through unsigned (an IAM user, its allow-all policy, its access key),
/// after which moto checks every request's SigV4 signature against that key and
/// refuses unknown keys and wrong signatures. Stopped with SIGKILL by pid when the suite
/// ends, pass or fail.
///
/// `moto_server` comes from `pip install 'moto[server]'` (and `boto3` for the set-up and
/// the outside checks); `make test` installs both. Set `TRESOR_SKIP_MOTO=1` to skip.
final class MotoServer: Sendable {
    let endpoint: String
    let accessKeyId: String
    let secretAccessKey: String
    private let server: ServerProcess

    var directory: String { server.directory }

    static let region = "eu-west-1"

    @TaskLocal static var current: MotoServer?

    static var enabled: Bool { ProcessInfo.processInfo.environment["TRESOR_SKIP_MOTO"] != "1" }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private init(endpoint: String, accessKeyId: String, secretAccessKey: String, server: ServerProcess) {
        self.endpoint = endpoint
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.server = server
    }

    /// `$TRESOR_MOTO_SERVER`, `moto_server` on PATH, or the one pip put in the scripts
    /// directory of `python3` (which a pyenv or user install may leave off PATH).
    static func binary() async throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["TRESOR_MOTO_SERVER"], !explicit.isEmpty { return explicit }
        if let found = ServerProcess.onPath("moto_server") { return found }
        let scripts = try? await runToEnd(
            "/usr/bin/env", ["python3", "-c", "import sysconfig; print(sysconfig.get_path('scripts'))"], environment: environment,
            directory: FileManager.default.temporaryDirectory.path)
        if let scripts, scripts.status == 0 {
            let candidate = scripts.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + "/moto_server"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw Failure(description: "no `moto_server` on PATH: run `pip install 'moto[server]' boto3` (or `make test`), or set TRESOR_SKIP_MOTO=1")
    }

    static func start() async throws -> MotoServer {
        let binary = try await binary()
        return try await startingOnAnUnusedPort { port in try await start(binary: binary, port: port) }
    }

    private static func start(binary: String, port: Int) async throws -> MotoServer {
        let process = try ServerProcess(binary: binary, label: "moto", environment: ["INITIAL_NO_AUTH_ACTION_COUNT": "3"]) { _ in
            ["-H", "127.0.0.1", "-p", String(port)]
        }
        let endpoint = "http://127.0.0.1:\(port)"
        let pending = MotoServer(endpoint: endpoint, accessKeyId: "", secretAccessKey: "", server: process)
        do {
            try await pending.waitUntilListening(port: port)
            let keys = try await pending.python(
                """
                iam = boto3.client("iam", endpoint_url=ENDPOINT, region_name=REGION,
                                   aws_access_key_id="setup", aws_secret_access_key="setup")
                iam.create_user(UserName="tresor-test")
                iam.put_user_policy(UserName="tresor-test", PolicyName="all", PolicyDocument=json.dumps(
                    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
                key = iam.create_access_key(UserName="tresor-test")["AccessKey"]
                out({"id": key["AccessKeyId"], "secret": key["SecretAccessKey"]})
                """, signed: false)
            guard let id = keys["id"] as? String, let secret = keys["secret"] as? String else {
                throw Failure(description: "moto did not return an access key: \(keys)")
            }
            return MotoServer(endpoint: endpoint, accessKeyId: id, secretAccessKey: secret, server: process)
        } catch {
            await pending.stopOffPool()
            throw error
        }
    }

    private func waitUntilListening(port: Int) async throws {
        let patience = 90  // seconds: a loaded 2-core machine can take this long
        let deadline = ContinuousClock.now + .seconds(patience)
        while ContinuousClock.now < deadline {
            guard isRunning else { throw Failure(description: "moto_server exited at start: \(serverLog.suffix(2000))") }
            // Its own banner too: another suite's server may hold the port, and this one
            // then exits ("address already in use") and starts again elsewhere.
            if serverLog.contains("Running on http://127.0.0.1:\(port)"), Self.accepts(port: port) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure(description: "moto_server did not listen in \(patience) s: \(serverLog.suffix(2000))")
    }

    /// True when a TCP connection to 127.0.0.1:`port` succeeds (no request is sent, so
    /// none of the unsigned allowance is used up).
    private static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    var isRunning: Bool { server.isRunning }

    var serverLog: String { server.log }

    func stopOffPool() async { await server.stopOffPool() }

    /// Runs a Python snippet with boto3 against this server and returns the JSON object it
    /// passes to `out(…)`. The snippet sees `ENDPOINT`, `REGION`, `json`, `boto3` and `sm`
    /// (a Secrets Manager client signing with the test user's key).
    func python(_ snippet: String, signed: Bool = true) async throws -> [String: Any] {
        let prelude = """
            import json, os, sys, boto3
            ENDPOINT = os.environ["MOTO_ENDPOINT"]
            REGION = os.environ["MOTO_REGION"]
            def out(value):
                sys.stdout.write(json.dumps(value, default=str))
            if os.environ.get("MOTO_KEY_ID"):
                sm = boto3.client("secretsmanager", endpoint_url=ENDPOINT, region_name=REGION,
                                  aws_access_key_id=os.environ["MOTO_KEY_ID"], aws_secret_access_key=os.environ["MOTO_KEY_SECRET"])

            """
        let script = directory + "/snippet-\(UUID().uuidString).py"
        try Data((prelude + snippet).utf8).write(to: URL(fileURLWithPath: script))
        defer { try? FileManager.default.removeItem(atPath: script) }
        var environment = ProcessInfo.processInfo.environment
        environment["MOTO_ENDPOINT"] = endpoint
        environment["MOTO_REGION"] = Self.region
        for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"] {
            environment.removeValue(forKey: name)
        }
        if signed {
            environment["MOTO_KEY_ID"] = accessKeyId
            environment["MOTO_KEY_SECRET"] = secretAccessKey
        }
        let result = try await runToEnd("/usr/bin/env", ["python3", script], environment: environment, directory: directory)
        guard result.status == 0 else {
            throw Failure(description: "python snippet failed (\(result.status)): \(result.stderr.suffix(2000))")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            throw Failure(description: "python snippet printed no JSON object")
        }
        return object
    }
}

/// Starts one moto server around a whole suite and stops it afterwards.
struct MotoServerTrait: SuiteTrait, TestScoping {
    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await withSuiteServer(start: { try await MotoServer.start() }, stop: { await $0.stopOffPool() }) { server in
            try await MotoServer.$current.withValue(server) { try await function() }
        }
    }
}

extension Trait where Self == MotoServerTrait {
    /// A `moto_server` with signature checking on, for the suite.
    static var motoServer: Self { MotoServerTrait() }
}
