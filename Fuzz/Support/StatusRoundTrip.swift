import TresorCore

/// The status-file property: whatever reads back is written back in a form that reads
/// back to the same bytes again (read → write → read → write is byte-identical), so a
/// file tresor rewrites never drifts and never becomes one it cannot read.
public func checkRoundTrip<T: Codable>(_ type: T.Type, _ bytes: [UInt8], what: String) {
    guard let value = try? StatusCoding.decode(type, from: bytes) else { return }
    let written: [UInt8]
    do {
        written = try StatusCoding.encodeBytes(value)
    } catch {
        property(false, "\(what) read but could not be written: \(error)")
        return
    }
    let reread: T
    do {
        reread = try StatusCoding.decode(type, from: written)
    } catch {
        property(false, "\(what) as tresor wrote it does not read back: \(error)")
        return
    }
    let rewritten = try? StatusCoding.encodeBytes(reread)
    property(rewritten == written, "\(what) written, read and written again is not byte-identical")
}
