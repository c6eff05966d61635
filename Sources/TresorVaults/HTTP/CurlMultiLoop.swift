import CCurl
import Foundation

/// One `curl_multi` handle and the one thread that drives it. Other threads only hand
/// transfers in (`submit`), ask for cancellation (`cancel`) and wake the thread with
/// `curl_multi_wakeup`; every other multi call happens on the thread.
final class CurlMultiLoop: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private let lock = NSLock()
    // Guarded by `lock`.
    private var pending: [CurlTransfer] = []
    private var cancellations: [CurlTransfer] = []
    private var stopping = false
    // Loop thread only.
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private let stopped = DispatchSemaphore(value: 0)

    init(maxConnectionsPerHost: Int) {
        CurlGlobal.initialize()
        guard let multi = curl_multi_init() else { fatalError("libcurl could not allocate a multi handle") }
        self.multi = multi
        if maxConnectionsPerHost > 0 {
            _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, maxConnectionsPerHost)
        }
        // libcurl sizes its connection cache by the transfers added at the moment: when a
        // pass's workers are between requests (writing a status file), it closes idle
        // connections that the next requests then open again, a TLS handshake each.
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, Self.connectionCacheSize)
        let thread = Thread { [self] in run() }
        thread.name = "tresor-curl"
        thread.start()
    }

    /// Idle connections kept: the engine's requests in flight (32) with room for a
    /// second host.
    static let connectionCacheSize = 64

    func submit(_ transfer: CurlTransfer) {
        lock.lock()
        let refused = stopping
        if !refused { pending.append(transfer) }
        lock.unlock()
        if refused {
            transfer.finish(throwing: HTTPClientError(kind: .transport, message: "the HTTP client for \(transfer.target.hostPort) is shut down"))
        } else {
            curl_multi_wakeup(multi)
        }
    }

    func cancel(_ transfer: CurlTransfer) {
        lock.lock()
        transfer.cancelRequested = true
        cancellations.append(transfer)
        lock.unlock()
        curl_multi_wakeup(multi)
    }

    /// Stops the thread, failing whatever is still in flight, and frees the multi handle.
    func shutdown() {
        lock.lock()
        stopping = true
        lock.unlock()
        curl_multi_wakeup(multi)
        stopped.wait()
        curl_multi_cleanup(multi)
    }

    private func run() {
        while true {
            lock.lock()
            let incoming = pending
            pending.removeAll()
            let cancelled = cancellations
            cancellations.removeAll()
            let stop = stopping
            var toStart: [CurlTransfer] = []
            var refused: [CurlTransfer] = []
            for transfer in incoming {
                if transfer.cancelRequested { refused.append(transfer) } else { toStart.append(transfer) }
            }
            lock.unlock()

            for transfer in refused { transfer.finish(throwing: CancellationError()) }
            if stop {
                for transfer in toStart { transfer.finish(throwing: shutdownError(transfer)) }
                for (easy, transfer) in active {
                    curl_multi_remove_handle(multi, easy)
                    transfer.finish(throwing: shutdownError(transfer))
                }
                active.removeAll()
                break
            }
            for transfer in toStart {
                let code = curl_multi_add_handle(multi, transfer.easy)
                if code == CURLM_OK {
                    active[transfer.easy] = transfer
                } else {
                    let reason = String(cString: curl_multi_strerror(code))
                    transfer.finish(throwing: HTTPClientError(kind: .transport, message: "cannot start a request to \(transfer.target.hostPort): \(reason)"))
                }
            }
            for transfer in cancelled {
                if active.removeValue(forKey: transfer.easy) != nil {
                    curl_multi_remove_handle(multi, transfer.easy)
                    transfer.finish(throwing: CancellationError())
                }
            }

            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                let code = ccurl_msg_result(message)
                curl_multi_remove_handle(multi, easy)
                active.removeValue(forKey: easy)?.finish(code: code)
            }
            // Sleeps until a socket is ready, libcurl's next timeout, or a wakeup.
            _ = curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        stopped.signal()
    }

    private func shutdownError(_ transfer: CurlTransfer) -> HTTPClientError {
        HTTPClientError(kind: .transport, message: "request to \(transfer.target.hostPort) abandoned: the HTTP client was shut down")
    }
}
