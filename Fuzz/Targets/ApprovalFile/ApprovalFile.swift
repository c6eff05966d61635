import FuzzSupport
import TresorCore
import TresorEngine

/// A secret's approval file (`approvals/<secret>.yaml`), as `ApprovalStore.read` reads it.
///
/// Property: what reads back is written back, and read and written again, byte-identical
/// (the store rewrites the file on every decision).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzApprovalFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let budget = CPUBudget()
    defer { budget.check() }
    checkRoundTrip(ApprovalFile.self, FuzzInput(data, size).bytes, what: "approval file")
    return 0
}
