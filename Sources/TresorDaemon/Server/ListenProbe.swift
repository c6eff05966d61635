#if canImport(Glibc)
    import Glibc
#endif

/// Checks that `--listen` can be bound before the daemon touches a vault: a busy port
/// otherwise showed up only after the first pass had written, as NIO's
/// `bind(descriptor:ptr:bytes:): Address already in use`. The check binds and closes at
/// once (with SO_REUSEADDR, as the server does), so the server's own bind follows.
public enum ListenProbe {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func check(host: String, port: Int) throws(Failure) {
        let shown = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(port), &hints, &list)
        guard resolved == 0, let first = list else {
            throw Failure(description: "cannot listen on \(shown): \(String(cString: gai_strerror(resolved))); check --listen")
        }
        defer { freeaddrinfo(list) }
        let descriptor = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard descriptor >= 0 else { throw Failure(description: "cannot listen on \(shown): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0, listen(descriptor, 1) == 0 else {
            let reason = String(cString: strerror(errno)).lowercased()
            throw Failure(description: "cannot listen on \(shown) (--listen): \(reason); nothing was reconciled. Stop what uses it or choose another address")
        }
    }
}
