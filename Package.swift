// swift-tools-version:6.0
import Foundation
import PackageDescription

/// The commit `tresor --version` names: TRESOR_GIT_COMMIT when set (make install and make
/// image set it, which also makes SwiftPM evaluate this manifest again), else git's HEAD.
let gitCommit: String = {
    if let commit = ProcessInfo.processInfo.environment["TRESOR_GIT_COMMIT"], !commit.isEmpty { return commit }
    let git = Process()
    git.executableURL = URL(fileURLWithPath: "/usr/bin/git")
    git.arguments = ["-C", Context.packageDirectory, "rev-parse", "--short=12", "HEAD"]
    let output = Pipe()
    git.standardOutput = output
    git.standardError = FileHandle.nullDevice
    guard (try? git.run()) != nil else { return "unknown" }
    git.waitUntilExit()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        .trimmingCharacters(in: .whitespacesAndNewlines)
    return git.terminationStatus == 0 && text.allSatisfy(\.isHexDigit) && !text.isEmpty ? text : "unknown"
}()

/// The programs allocate with jemalloc on Linux: their work is many small objects made and
/// freed on every core at once, where glibc's allocator spent a third of a 100,000-secret
/// `validate` (measured: 5.2 → 3.4 s of CPU). Debian: libjemalloc-dev to build,
/// libjemalloc2 to run.
let allocator: [LinkerSetting] = [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]

let package = Package(
    name: "tresor",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tresor", targets: ["tresor"]),
        .library(name: "TresorCore", targets: ["TresorCore"]),
        // For Fuzz/, a package of its own that builds against these with sanitizers.
        .library(name: "TresorVaults", targets: ["TresorVaults"]),
        .library(name: "TresorEngine", targets: ["TresorEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // AES-GCM for the local vault, HMAC fingerprints, key generation, HPKE sealing.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // DER for the compliance rules' key and keystore checks (already built for swift-crypto).
        .package(url: "https://github.com/apple/swift-asn1", from: "1.3.0"),
        // The daemon's HTTP side, metrics, lifecycle and logs.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // System libyaml: walking its events into a marked node tree is ~20x faster
        // than a Codable YAML layer and gives exact positions for every node.
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(
            name: "CBuildInfo",
            cSettings: [.define("TRESOR_GIT_COMMIT", to: "\"\(gitCommit)\"")]
        ),
        .target(
            name: "TresorCore",
            dependencies: ["CYAML", "CBuildInfo", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // System libcurl (Debian's libcurl4-openssl-dev) with a small C shim: Swift cannot
        // call the variadic curl_easy_setopt/curl_easy_getinfo.
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        .target(
            name: "TresorVaults",
            // _CryptoExtras: RS256 for the GCP service-account JWT.
            dependencies: [
                "TresorCore", "CCurl", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "TresorEngine",
            dependencies: [
                "TresorCore", "TresorVaults",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // `tresor run`: watcher, work queue, resync, metrics and the HTTP endpoint.
        .target(
            name: "TresorDaemon",
            dependencies: [
                "TresorCore", "TresorVaults", "TresorEngine",
                .product(name: "Hummingbird", package: "hummingbird"),
                // HTTPS for the listener (`--tls-cert`), since tokens and session cookies cross it.
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "tresor",
            dependencies: [
                "TresorCore", "TresorVaults", "TresorEngine", "TresorDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: allocator
        ),
        .executableTarget(
            name: "TresorBench",
            dependencies: ["TresorCore", "TresorVaults", "TresorEngine", "TresorDaemon"],
            path: "Benchmarks/TresorBench",
            linkerSettings: allocator
        ),
        // What several test targets share: the servers tests start (OpenBao, etcd, any
        // process), waiting for events, and the YAML readers status files are checked with.
        .target(
            name: "TresorTestSupport",
            dependencies: ["TresorCore", "TresorVaults"],
            path: "Tests/TresorTestSupport"
        ),
        .testTarget(
            name: "TresorCoreTests",
            dependencies: ["TresorCore", "TresorTestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "TresorVaultsTests",
            // The engine too: the OpenBao suites also run whole reconcile passes.
            dependencies: ["TresorVaults", "TresorEngine", "TresorTestSupport", .product(name: "_CryptoExtras", package: "swift-crypto")],
            // The contract fakes of Azure, GCP and Kubernetes: Python servers the tests start.
            exclude: ["Fakes"]
        ),
        .testTarget(
            name: "TresorEngineTests",
            dependencies: ["TresorEngine", "TresorVaults", "TresorTestSupport"]
        ),
        .testTarget(
            name: "TresorDaemonTests",
            dependencies: [
                "TresorDaemon", "TresorEngine", "TresorVaults", "TresorCore", "TresorTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "TresorCLITests",
            // TresorVaults for the etcd client that tells when the test cluster has quorum.
            dependencies: ["TresorCore", "TresorVaults", "TresorTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
