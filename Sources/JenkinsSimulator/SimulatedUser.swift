import Foundation

/// A Jenkins user as seeded into the simulator.
public struct SimulatedUser: Sendable, Equatable {
    /// The user id (matched case-insensitively, like Jenkins' default id strategy).
    public var id: String
    /// The real password, usable in HTTP Basic. Stored hashed.
    public var password: String?
    /// Holds Overall/Administer.
    public var admin: Bool
    /// Holds Overall/Read. Without it the user cannot reach `/me`, `/user/…` or `/crumbIssuer`.
    public var read: Bool
    /// Tokens that exist at start.
    public var tokens: [SimulatedToken]

    /// Creates a user.
    public init(
        id: String, password: String? = nil, admin: Bool = false, read: Bool = true, tokens: [SimulatedToken] = []
    ) {
        self.id = id
        self.password = password
        self.admin = admin
        self.read = read
        self.tokens = tokens
    }
}

/// A token to seed. The plain value is given only so that tests can authenticate with it;
/// the simulator keeps nothing but its SHA-256 hash.
public struct SimulatedToken: Sendable, Equatable {
    /// The token name.
    public var name: String
    /// The token uuid.
    public var uuid: String
    /// The plain value, normally `11` followed by 32 lowercase hex characters.
    public var value: String
    /// Creation instant.
    public var created: Date
    /// Last valid day (`yyyy-MM-dd`, inclusive), or nil for a token that never expires.
    public var expires: String?
    /// Successful authentications so far (`ApiTokenStats.SingleTokenStats#useCounter`).
    public var useCounter: Int
    /// The last successful authentication, nil for never.
    public var lastUseDate: Date?
    /// A token migrated from the legacy system: no creation date, the card carries `legacy-token`.
    public var legacy: Bool

    /// Creates a seeded token.
    public init(
        name: String, uuid: String = UUID().uuidString.lowercased(), value: String,
        created: Date = Date(), expires: String? = nil, useCounter: Int = 0, lastUseDate: Date? = nil,
        legacy: Bool = false
    ) {
        self.name = name
        self.uuid = uuid
        self.value = value
        self.created = created
        self.expires = expires
        self.useCounter = useCounter
        self.lastUseDate = lastUseDate
        self.legacy = legacy
    }
}

extension SimulatedToken: CustomStringConvertible {
    /// Never shows the value.
    public var description: String { "SimulatedToken(name: \(name), uuid: \(uuid), value: ***)" }
}

extension SimulatedUser: CustomStringConvertible {
    /// Never shows the password.
    public var description: String { "SimulatedUser(id: \(id), admin: \(admin), tokens: \(tokens.count))" }
}
