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
            dependencies: ["CYAML"]
        ),
        .executableTarget(
            name: "tresor",
            dependencies: [
                "TresorCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "TresorBench",
            dependencies: ["TresorCore"],
            path: "Benchmarks/TresorBench"
        ),
        .testTarget(
            name: "TresorCoreTests",
            dependencies: ["TresorCore"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "TresorCLITests",
            dependencies: ["TresorCore"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
