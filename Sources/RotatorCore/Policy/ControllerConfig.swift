import Foundation

public struct ControllerConfig: Sendable, Equatable {
    public var id: String
    public var url: URL
    public var auth: AuthReference?
    public var caFile: String?
    public var insecure: Bool
    /// `allow_plain_http: true`: an `http://` URL to a host that is not loopback is accepted (with a warning).
    public var allowPlainHTTP: Bool
    public var mode: RotationMode
    /// Hard cap on requests in flight to this controller.
    public var concurrency: Int
    /// Per request.
    public var timeout: TimeSpan

    /// Plain http to a host that is not loopback, accepted because the policy says `allow_plain_http: true`;
    /// every command that contacts the controller warns about it once.
    public var usesPlainHTTPOverNetwork: Bool {
        url.scheme?.lowercased() == "http" && !PolicyControllerReader.isLoopback(host: url.host ?? "")
    }

    public init(
        id: String, url: URL, auth: AuthReference? = nil, caFile: String? = nil, insecure: Bool = false,
        allowPlainHTTP: Bool = false, mode: RotationMode = .admin, concurrency: Int = 4,
        timeout: TimeSpan = TimeSpan(seconds: 30)
    ) {
        self.id = id
        self.url = url
        self.auth = auth
        self.caFile = caFile
        self.insecure = insecure
        self.allowPlainHTTP = allowPlainHTTP
        self.mode = mode
        self.concurrency = concurrency
        self.timeout = timeout
    }
}
