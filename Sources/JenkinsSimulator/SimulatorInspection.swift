import Foundation

/// What a test may see of a stored token: never its value.
public struct TokenSnapshot: Sendable, Equatable, Codable {
    /// Token name.
    public var name: String
    /// Token uuid.
    public var uuid: String
    /// Creation instant.
    public var created: Date
    /// Last valid day (`yyyy-MM-dd`), or nil for never.
    public var expires: String?
    /// Successful authentications with this token.
    public var useCounter: Int
    /// Instant of the last successful authentication.
    public var lastUseDate: Date?
}

/// The Jenkins endpoints the simulator tells apart, for counters, the request log and faults.
public enum SimulatorEndpoint: String, Sendable, Codable, CaseIterable {
    case generate, revoke, revokeAll, revokeAllExcept, rename, addFixedToken
    case whoami, crumb, security, api, people, credentials, page, other
}

/// How a request authenticated.
public enum SimulatorAuthKind: String, Sendable, Codable {
    /// No `Authorization: Basic` header.
    case anonymous
    /// A user's password.
    case password
    /// An API token.
    case token
    /// Bad credentials (answered 401).
    case invalid
}

/// One line of the simulator's request log.
public struct RequestLogEntry: Sendable, Equatable, Codable {
    /// HTTP method.
    public var method: String
    /// Path without the query string.
    public var path: String
    /// Status answered; `0` when the connection was dropped without an answer.
    public var status: Int
    /// How the request authenticated.
    public var auth: SimulatorAuthKind
    /// Which endpoint it was.
    public var endpoint: SimulatorEndpoint
}
