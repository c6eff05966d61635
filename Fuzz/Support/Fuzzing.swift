/// What every target's `LLVMFuzzerTestOneInput` does around its checks: one input, under
/// the CPU budget (``CPUBudget``), 0 for libFuzzer.
///
///     @_cdecl("LLVMFuzzerTestOneInput")
///     public func fuzzNames(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
///         fuzzing(data, size) { input in … }
///     }
public func fuzzing(_ data: UnsafePointer<UInt8>?, _ size: Int, _ check: (FuzzInput) -> Void) -> CInt {
    let budget = CPUBudget()
    defer { budget.check() }
    check(FuzzInput(data, size))
    return 0
}
