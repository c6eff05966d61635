import FuzzSupport
import TresorCore

/// A secret's status file (`status/Secret/<name>.yaml`), as `StateStore.readStatus` reads it.
///
/// Property: a file that reads back is written back, and read and written again, byte-identical.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStatusFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzing(data, size) { input in
        checkRoundTrip(input.bytes, what: "status file") { try StatusCoding.decode(SecretStatus.self, from: $0) }
    }
}
