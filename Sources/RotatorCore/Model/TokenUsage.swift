import Foundation

/// A token's usage as a security page showed it (SPEC §8.4).
public struct TokenUsage: Sendable, Equatable {
    public var uuid: String
    public var useCount: Int?
    /// Midnight UTC of the last use's day; nil when never used.
    public var lastUsed: Date?

    public init(uuid: String, useCount: Int?, lastUsed: Date?) {
        self.uuid = uuid
        self.useCount = useCount
        self.lastUsed = lastUsed
    }
}
