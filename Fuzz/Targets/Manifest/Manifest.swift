import FuzzSupport

@testable import TresorCore

/// Manifest loading, bytes to diagnostics, as `tresor validate` loads one file.
///
/// Properties: every error names the file and a line and column inside the input, and
/// no diagnostic repeats an inline value of a secret field.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    let path = "fuzz/manifest.yaml"
    // The budget is the loader's: the checks below parse the input a second time, and
    // their cost is the fuzzer's, not the product's.
    let budget = CPUBudget()
    let result = ManifestLoader().load([ManifestFile(path: path, bytes: input.bytes)])
    budget.check()
    let bounds = PositionBounds(input.bytes)
    for error in result.errors {
        property(
            error.location.file == path && bounds.contains(error.location),
            "error at \(error.location) is not a position in \(path) (\(bounds.lines) lines, \(input.bytes.count) bytes)")
    }
    for secret in InlineSecrets.values(in: input.bytes).map({ Array($0.utf8) }) {
        for diagnostic in result.diagnostics {
            property(
                firstOffset(of: secret, in: Array(diagnostic.description.utf8)) == nil,
                "diagnostic at \(diagnostic.location) contains an inline secret value")
        }
    }
    return 0
}

/// Loose bounds on where a position may be: a line the input has and a column no
/// further than the input is long. Every byte that may end a line (in UTF-8 or UTF-16,
/// LF, CR, NEL, LS, PS) counts as a break, so a position libyaml gives is always inside.
struct PositionBounds {
    let lines: Int
    let size: Int

    init(_ bytes: [UInt8]) {
        lines = 1 + bytes.reduce(0) { count, byte in
            switch byte {
            case 0x0A, 0x0D, 0x85, 0x28, 0x29, 0xA8, 0xA9: count + 1
            default: count
            }
        }
        size = bytes.count
    }

    func contains(_ location: SourceLocation) -> Bool {
        (1...lines).contains(location.line) && (1...(size + 1)).contains(location.column)
    }
}
