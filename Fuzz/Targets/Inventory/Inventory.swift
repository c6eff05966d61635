import FuzzSupport
import TresorCore

/// The state directory's `inventory.yaml`, as `StateStore.readInventory` reads it.
///
/// Property: what reads back is written back, and read and written again, byte-identical.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInventory(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzing(data, size) { input in
        checkRoundTrip(input.bytes, what: "inventory") { try StatusCoding.decode(Inventory.self, from: $0) }
    }
}
