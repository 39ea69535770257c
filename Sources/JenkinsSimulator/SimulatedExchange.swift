import Foundation

/// A request reduced to what the simulator's logic needs, decoupled from Hummingbird.
struct SimulatedRequest: Sendable {
    var method: String
    /// Raw path, without the query string (the context path included).
    var path: String
    /// Percent-decoded, non-empty path segments below the context path (below the root for `/_sim/`).
    var segments: [String]
    /// The servlet context path, e.g. `/jenkins`, or empty.
    var contextPath: String = ""
    /// A test-only `/_sim/` request (always at the root, whatever the context path).
    var isSimulatorAPI = false
    /// A path outside the context path: the container answers 404 before Jenkins sees it.
    var outsideContext = false
    /// Raw query string, if any.
    var query: String?
    /// The `Host` header, used for absolute URLs in api answers.
    var host: String
    /// `https` when served over TLS.
    var scheme: String
    var authorization: String?
    var cookies: [String: String]
    /// Value of the crumb header (the configured field name), if sent.
    var crumbHeader: String?
    var requestedWith: String?
    /// Query parameters first, then urlencoded body parameters (the first value of a name wins, as in servlets).
    var parameters: [(name: String, value: String)]
    /// Raw body, kept for `/_sim/` JSON requests.
    var body: [UInt8]

    func parameter(_ name: String) -> String? { parameters.first { $0.name == name }?.value }

    var rootURL: String { "\(scheme)://\(host)\(contextPath)/" }

    var pathAndQuery: String { query.map { "\(path)?\($0)" } ?? path }
}

/// A response built by the simulator's logic.
struct SimulatedResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)] = []
    var body: [UInt8] = []

    init(status: Int, headers: [(name: String, value: String)] = [], body: String = "") {
        self.status = status
        self.headers = headers
        self.body = Array(body.utf8)
    }

    static func empty(_ status: Int) -> SimulatedResponse { SimulatedResponse(status: status) }

    static func json(_ text: String, status: Int = 200, contentType: String) -> SimulatedResponse {
        SimulatedResponse(status: status, headers: [("Content-Type", contentType)], body: text)
    }
}

/// Where a held request waits.
enum HoldPoint: Sendable {
    case beforeCommit
    case afterCommit
}

/// What the HTTP layer must do with a processed request.
struct SimulatedOutcome: Sendable {
    /// The answer, or nil to close the connection without one.
    var response: SimulatedResponse?
    /// Wait this long before answering.
    var delay: Duration = .zero
    /// Hold the request open at this point.
    var hold: HoldPoint?
}

/// How a held request is let go.
enum HoldRelease: Sendable {
    /// Carry on as if never held.
    case proceed
    /// The simulator is stopping: close the connection.
    case drop
}
