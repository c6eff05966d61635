// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets over tresor's parsers of outside input, one per directory under
// Targets/. A package of its own so that `make test`'s build stays as it is:
// Fuzz/run.sh builds it with `--sanitize=fuzzer --sanitize=address` into .build-fuzz.

/// The root package's identity is its directory's name, which differs between checkouts.
let root = Context.packageDirectory.split(separator: "/").dropLast().last.map { String($0).lowercased() } ?? "tresor"

let names = [
    "Manifest", "StatusFile", "Inventory", "ApprovalFile", "AuditLine", "SealedValue",
    "HashiCorpResponse", "AWSResponse", "CloudResponse", "HTTPURLParts", "Duration", "Names", "LocalVaultFile",
]

let package = Package(
    name: "TresorFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: "..")],
    targets: [
        .target(
            name: "FuzzSupport",
            dependencies: [.product(name: "TresorCore", package: root), .product(name: "TresorVaults", package: root)],
            path: "Support"
        )
    ]
        + names.map { name in
            .executableTarget(
                name: "Fuzz" + name,
                dependencies: [
                    "FuzzSupport",
                    .product(name: "TresorCore", package: root),
                    .product(name: "TresorVaults", package: root),
                    .product(name: "TresorEngine", package: root),
                ],
                path: "Targets/" + name
            )
        },
    swiftLanguageModes: [.v6]
)
