import FuzzSupport

@testable import TresorCore

/// The name checks of manifests: object names (which become file names in the state
/// directory), label keys and values, relative vault paths, data keys, environment
/// variable names and HTTP URLs.
///
/// Properties, on the bytes: an accepted object name or data key is one safe file name;
/// an accepted path has no empty, `.` or `..` segment; labels and environment names are
/// ASCII; an accepted URL has its scheme, a host and no whitespace.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNames(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzing(data, size) { input in
        let text = input.text
        let bytes = Array(text.utf8)
        let segments = bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        let isSafeSegment = { (segment: ArraySlice<UInt8>) in
            !segment.isEmpty && segment != [0x2E] && segment != [0x2E, 0x2E] && !segment.contains(0) && segment.allSatisfy { $0 < 0x80 }
        }
        if Names.isObjectName(text) {
            property(segments.count == 1 && isSafeSegment(segments[0]) && bytes.count <= 253, "an accepted object name is not a safe file name")
        }
        if Names.isDataKey(text) {
            property(segments.count == 1 && isSafeSegment(segments[0]), "an accepted data key is not a safe file name")
        }
        if Names.isRelativePath(text) {
            property(segments.allSatisfy(isSafeSegment), "an accepted relative path has an empty, '.' or '..' segment")
        }
        for (accepted, what) in [
            (Names.isLabelKey(text), "label key"), (Names.isLabelValue(text), "label value"),
            (Names.isEnvironmentName(text), "environment variable name"),
        ] where accepted {
            property(bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F }, "an accepted \(what) is not printable ASCII")
        }
        for httpsOnly in [false, true] where Names.isHTTPURL(text, httpsOnly: httpsOnly) {
            let scheme = httpsOnly ? "https://" : text.hasPrefix("https://") ? "https://" : "http://"
            let rest = bytes.dropFirst(scheme.utf8.count)
            property(bytes.starts(with: scheme.utf8), "an accepted URL does not start with its scheme")
            property(
                rest.first.map { ![UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#")].contains($0) } == true,
                "an accepted URL has no host")
            property(!rest.contains { [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D].contains($0) }, "an accepted URL contains whitespace")
        }
    }
}
