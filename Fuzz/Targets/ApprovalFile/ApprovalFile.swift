import FuzzSupport
import TresorCore
import TresorEngine

/// A secret's approval file (`approvals/<secret>.yaml`), as `ApprovalStore.read` reads it.
///
/// Property: what reads back is written back, and read and written again, byte-identical
/// (the store rewrites the file on every decision).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzApprovalFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzing(data, size) { input in
        checkRoundTrip(input.bytes, what: "approval file") { try StatusCoding.decode(ApprovalFile.self, from: $0) }
    }
}
