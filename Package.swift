// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "tresor",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tresor", targets: ["tresor"]),
        .library(name: "TresorCore", targets: ["TresorCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // AES-GCM for the local vault, HMAC fingerprints, key generation, HPKE sealing.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
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
            name: "TresorCore",
            dependencies: ["CYAML", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // System libcurl (Debian's libcurl4-openssl-dev) with a small C shim: Swift cannot
        // call the variadic curl_easy_setopt/curl_easy_getinfo.
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        .target(
            name: "TresorVaults",
            dependencies: ["TresorCore", "CCurl", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "TresorEngine",
            dependencies: [
                "TresorCore", "TresorVaults",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "tresor",
            dependencies: [
                "TresorCore", "TresorVaults", "TresorEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "TresorBench",
            dependencies: ["TresorCore", "TresorVaults", "TresorEngine"],
            path: "Benchmarks/TresorBench"
        ),
        .testTarget(
            name: "TresorCoreTests",
            dependencies: ["TresorCore"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "TresorVaultsTests",
            // The engine too: the OpenBao suites also run whole reconcile passes.
            dependencies: ["TresorVaults", "TresorEngine"]
        ),
        .testTarget(
            name: "TresorEngineTests",
            dependencies: ["TresorEngine", "TresorVaults"]
        ),
        .testTarget(
            name: "TresorCLITests",
            dependencies: ["TresorCore"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
