import Foundation

public struct ControllerConfig: Sendable, Equatable {
    public var id: String
    public var url: URL
    public var auth: AuthReference?
    public var caFile: String?
    public var insecure: Bool
    public var mode: RotationMode
    /// Hard cap on requests in flight to this controller.
    public var concurrency: Int
    /// Per request.
    public var timeout: TimeSpan

    public init(
        id: String, url: URL, auth: AuthReference? = nil, caFile: String? = nil, insecure: Bool = false,
        mode: RotationMode = .admin, concurrency: Int = 4, timeout: TimeSpan = TimeSpan(seconds: 30)
    ) {
        self.id = id
        self.url = url
        self.auth = auth
        self.caFile = caFile
        self.insecure = insecure
        self.mode = mode
        self.concurrency = concurrency
        self.timeout = timeout
    }
}
