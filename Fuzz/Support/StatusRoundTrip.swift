import TresorCore

/// The state-file property: whatever reads back is written back in a form that reads
/// back to the same bytes again (read → write → read → write is byte-identical), so a
/// file tresor rewrites never drifts and never becomes one it cannot read. `read` is the
/// file's reader (`StatusCoding.decode` of its type).
public func checkRoundTrip<T: Encodable>(_ bytes: [UInt8], what: String, read: ([UInt8]) throws -> T) {
    guard let value = try? read(bytes) else { return }
    let written: [UInt8]
    do {
        written = try StatusCoding.encodeBytes(value)
    } catch {
        property(false, "\(what) read but could not be written: \(error)")
        return
    }
    let reread: T
    do {
        reread = try read(written)
    } catch {
        property(false, "\(what) as tresor wrote it does not read back: \(error)")
        return
    }
    let rewritten = try? StatusCoding.encodeBytes(reread)
    property(rewritten == written, "\(what) written, read and written again is not byte-identical")
}
