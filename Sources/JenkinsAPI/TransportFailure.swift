import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// Turns what async-http-client and NIO throw into a ``JenkinsClientError``.
enum TransportFailure {
    /// - Parameter maySendHaveHappened: true for a generate, whose lost response may hide a created token.
    ///   Failures that happen before a connection exists (refused, TLS, connect timeout) never reached Jenkins.
    static func classify(
        _ error: any Error, site: RequestSite, timeout: Duration, maySendHaveHappened lossMatters: Bool
    ) -> JenkinsClientError {
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        if let error = error as? JenkinsClientError { return error }
        if error is NIOTooManyBytesError {
            // No Jenkins API answer comes near this: a proxy's or a hostile server's body, cut off unread.
            return .malformedResponse(
                site, expected: "an answer of at most \(JenkinsClient.maxBodyBytes >> 20) MiB", detail: "a longer body",
                responseMayBeLost: lossMatters)
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout:
                return .timeout(site, seconds: seconds, responseMayBeLost: false)
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return .timeout(site, seconds: seconds, responseMayBeLost: lossMatters)
            case .remoteConnectionClosed:
                return .connectionLost(site, detail: "the server closed the connection", responseMayBeLost: lossMatters)
            default:
                return .connectionLost(site, detail: error.description, responseMayBeLost: lossMatters)
            }
        }
        if let error = error as? NIOSSLError {
            let detail = String(describing: error)
            if case .handshakeFailed = error, isVerificationFailure(detail) {
                return .untrustedCertificate(site, detail: "certificate verify failed")
            }
            return .tlsFailure(site, detail: detail)
        }
        if let error = error as? NIOSSLExtraError {
            if error == .failedToValidateHostname {
                return .untrustedCertificate(site, detail: "the certificate does not name this host")
            }
            return .tlsFailure(site, detail: String(describing: error))
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return .timeout(site, seconds: seconds, responseMayBeLost: false)
        }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL:
                return .connectionRefused(site, detail: error.description)
            default:
                return .connectionLost(site, detail: error.description, responseMayBeLost: lossMatters)
            }
        }
        // NIOPosix's NIOConnectionError (all connection attempts failed, or DNS failed) is not importable
        // here without another dependency; its type name is stable.
        if String(describing: type(of: error)).contains("NIOConnectionError") {
            return .connectionRefused(site, detail: connectionDetail(error))
        }
        return .connectionLost(site, detail: String(describing: error), responseMayBeLost: lossMatters)
    }

    private static func isVerificationFailure(_ detail: String) -> Bool {
        let lowered = detail.lowercased()
        return lowered.contains("certificate_verify_failed") || lowered.contains("certificate verify failed")
    }

    private static func connectionDetail(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("Connection refused") || text.contains("errno: 111") { return "connection refused" }
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }
}
