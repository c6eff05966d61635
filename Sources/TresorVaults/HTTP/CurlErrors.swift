import CCurl

/// CURLcode → `HTTPClientError`, with messages that name the host and what to check,
/// never a body or a header.
enum CurlErrors {
    /// `beforeAnswer`: an https transfer that failed before any status line arrived.
    static func kind(of code: CURLcode, detail: String, beforeAnswer: Bool = false) -> HTTPClientError.Kind {
        switch code {
        case CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT:
            return .connect
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
             CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CRL_BADFILE,
             CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
             CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            return .tls
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING:
            // With TLS 1.3 a server refusing the client certificate says so in an alert
            // read after the handshake ("OpenSSL SSL_read: ... alert certificate required"),
            // or just closes the connection, which libcurl then reports as a send or
            // receive error on a connection it believed established.
            return detail.contains("SSL") || detail.contains("alert") || beforeAnswer ? .tls : .transport
        default:
            return .transport
        }
    }

    static func error(code: CURLcode, detail: String, target: HTTPURLParts, timeoutMilliseconds: Int, answered: Bool) -> HTTPClientError {
        let beforeAnswer = target.scheme == "https" && !answered
        let closed = beforeAnswer && (code == CURLE_RECV_ERROR || code == CURLE_SEND_ERROR || code == CURLE_GOT_NOTHING)
            && !detail.contains("SSL") && !detail.contains("alert")
        var reason = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        if closed {
            reason = "the server closed the connection during or right after the TLS handshake (\(reason))"
        }
        let kind = kind(of: code, detail: reason, beforeAnswer: beforeAnswer)
        let host = target.hostPort
        let message: String
        switch kind {
        case .connect:
            message = "cannot connect to \(host): \(reason). Check the vault address and that the server is running and reachable (and the proxy settings, if a proxy is set)."
        case .tls:
            let hint: String
            if code == CURLE_SSL_CERTPROBLEM || code == CURLE_SSL_CLIENTCERT || reason.contains("certificate required") || reason.contains("client cert") {
                hint = "Check the client certificate and key (tls certFile/keyFile) and that the server trusts their issuer."
            } else if closed {
                hint = "If the server requires a client certificate, check tls certFile/keyFile and that the server trusts their issuer; otherwise check that the address speaks TLS."
            } else if code == CURLE_SSL_CACERT_BADFILE {
                hint = "Check that the CA file (tls caFile) exists and holds PEM certificates."
            } else {
                hint = "Check that the CA file (tls caFile) holds the CA that signed the server's certificate and that the address matches a name in it."
            }
            message = "TLS failure with \(host): \(reason). \(hint)"
        case .timeout:
            message = "request to \(host) timed out (limit \(timeoutMilliseconds) ms): \(reason). The server is slow or unreachable; check the address or raise the timeout."
        case .transport:
            message = "request to \(host) failed: \(reason)."
        }
        return HTTPClientError(kind: kind, curlCode: Int32(bitPattern: code.rawValue), message: message)
    }
}
