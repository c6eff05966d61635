import FuzzSupport
import TresorCore

/// The state directory's `inventory.yaml`, as `StateStore.readInventory` reads it.
///
/// Property: what reads back is written back, and read and written again, byte-identical.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInventory(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let budget = CPUBudget()
    defer { budget.check() }
    checkRoundTrip(Inventory.self, FuzzInput(data, size).bytes, what: "inventory")
    return 0
}
