import Foundation

/// One row of the inventory: a Jenkins API token that token-rotator knows about.
/// The value itself is never kept, only its ``Secret/fingerprint``.
public struct InventoryToken: Sendable, Equatable, Codable {
    public var controller: String
    public var user: String
    public var name: String
    public var uuid: String
    public var created: Date
    public var state: TokenState
    public var fingerprint: String?
    /// The uuid of the token that replaced this one.
    public var replacedBy: String?
    /// For a retiring token: when its grace period ends.
    public var revokeAfter: Date?
    public var revokedAt: Date?
    /// When a rotation last put a token in this slot: on a successor, the rotation that minted it;
    /// on a replaced token, the rotation that replaced it. Null for tokens no rotation touched.
    public var lastRotated: Date?
    /// Successful authentications, as the security page last showed them (`reconcile`); nil until read.
    public var useCount: Int?
    /// The day of the last use (midnight UTC) as the page last showed it; nil when never used or not yet read.
    public var lastUsed: Date?

    public init(
        controller: String, user: String, name: String, uuid: String, created: Date,
        state: TokenState = .active, fingerprint: String? = nil, replacedBy: String? = nil,
        revokeAfter: Date? = nil, revokedAt: Date? = nil, lastRotated: Date? = nil, useCount: Int? = nil,
        lastUsed: Date? = nil
    ) {
        self.controller = controller
        self.user = user
        self.name = name
        self.uuid = uuid
        self.created = created
        self.state = state
        self.fingerprint = fingerprint
        self.replacedBy = replacedBy
        self.revokeAfter = revokeAfter
        self.revokedAt = revokedAt
        self.lastRotated = lastRotated
        self.useCount = useCount
        self.lastUsed = lastUsed
    }
}
