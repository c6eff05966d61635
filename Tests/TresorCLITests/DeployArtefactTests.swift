import Foundation
import Testing
import TresorTestSupport

/// The deployment files in manifests/deploy/ start as written: checked offline by the
/// tools their platforms use (systemd-analyze, the Kubernetes OpenAPI schemas).
@Suite struct DeployArtefactTests {
    static let deploy = CLI.repositoryRoot.appendingPathComponent("manifests/deploy")

    @Test func systemdUnitVerifiesAndConfinesTheDaemonToItsStateDirectory() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let unit = try String(contentsOf: Self.deploy.appendingPathComponent("tresor.service"), encoding: .utf8)
        for directive in [
            "DynamicUser=yes", "StateDirectory=tresor", "StateDirectoryMode=0700", "ProtectSystem=strict", "NoNewPrivileges=yes",
            "ExecReload=/bin/kill -HUP $MAINPID",
        ] {
            #expect(unit.contains("\n\(directive)\n"), "the unit lacks \(directive)")
        }
        let writable = unit.split(separator: "\n").filter { $0.hasPrefix("ReadWritePaths=") }
        #expect(writable == ["ReadWritePaths=/var/lib/tresor"], "only the state directory is writable: \(writable)")
        // Verified with ExecStart pointing at the binary built here (installed, it is /usr/local/bin/tresor).
        try cli.write(unit.replacingOccurrences(of: "/usr/local/bin/tresor", with: CLI.binary), to: "tresor.service")
        let verified = try await cli.run(["verify", cli.path("tresor.service")], executable: "/usr/bin/systemd-analyze")
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stderr.isEmpty, "systemd-analyze warns: \(verified.stderr)")
    }

    @Test func kubernetesManifestsValidateAgainstTheKubernetesSchemas() async throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let directory = Self.deploy.appendingPathComponent("kubernetes")
        let kustomization = try String(contentsOf: directory.appendingPathComponent("kustomization.yaml"), encoding: .utf8)
        let listed = kustomization.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("- ") }
            .map { String($0.dropFirst(2)) }.filter { $0.hasSuffix(".yaml") }
        let resources = listed.filter { !$0.hasPrefix("tresor-manifests/") }
        #expect(Set(resources) == ["namespace.yaml", "serviceaccount.yaml", "credentials.yaml", "deployment.yaml", "service.yaml", "poddisruptionbudget.yaml"])
        // kubernetes-validate (PyPI, scripts/ensure-deps.sh) carries the OpenAPI schemas: no cluster, no network.
        let validated = try await cli.run(
            ["-m", "kubernetes_validate", "--strict", "--quiet"] + resources.map { directory.appendingPathComponent($0).path },
            executable: ServerProcess.onPath("python3") ?? "/usr/bin/python3")
        #expect(validated.status == 0, "\(validated.stdout)\(validated.stderr)")
        let deployment = try String(contentsOf: directory.appendingPathComponent("deployment.yaml"), encoding: .utf8)
        for required in [
            "replicas: 2", "runAsNonRoot: true", "readOnlyRootFilesystem: true", "fsGroup: 65532", "path: /healthz", "path: /readyz",
            "- --etcd-endpoints", "- --etcd-prefix", "- --lease-ttl", "defaultMode: 0400", "readOnly: true", "serviceAccountName: tresor",
        ] {
            #expect(deployment.contains(required), "deployment.yaml lacks \(required)")
        }
        #expect(try String(contentsOf: directory.appendingPathComponent("poddisruptionbudget.yaml"), encoding: .utf8).contains("minAvailable: 1"))
        // The ConfigMap's files are tresor manifests that validate; the directory as a whole
        // validates too, its Kubernetes objects skipped with a notice each.
        let generated = listed.filter { $0.hasPrefix("tresor-manifests/") }.map { directory.appendingPathComponent($0).path }
        #expect(generated.count == 2)
        let manifests = try await cli.run(["validate"] + generated, environment: ["VAULT_ADDR": "https://vault.example:8200"])
        #expect(manifests.status == 0, "\(manifests.stdout)")
        let whole = try await cli.run(["validate", directory.path], environment: ["VAULT_ADDR": "https://vault.example:8200"])
        #expect(whole.status == 0, "\(whole.stdout)")
        #expect(whole.stdout.contains("other documents skipped"))
    }
}
