import Foundation

/// One token a security page shows, for `inventory discover` (SPEC §8.5).
public struct DiscoveredToken: Sendable, Equatable {
    public var controller: String
    public var user: String
    public var name: String
    public var uuid: String
    /// Midnight UTC of the day the page's day count points at; nil for a legacy token (no creation date).
    public var created: Date?
    /// False where the page only gives a coarse phrase ("over a month ago"): `created` is then the latest the
    /// token can have been created, and its age a lower bound.
    public var createdExact: Bool
    public var legacy: Bool
    public var useCount: Int?
    public var lastUsedDays: Int?
    /// The uuid is in the inventory already.
    public var known: Bool

    public init(controller: String, user: String, listed: ListedToken, now: Date, known: Bool) {
        self.controller = controller
        self.user = user
        name = listed.name
        uuid = listed.uuid.lowercased()
        created = listed.createdDaysAgo.map { Reconciler.day(daysBefore: now, $0) }
        createdExact = listed.createdDaysExact
        legacy = listed.legacy
        useCount = listed.useCount
        lastUsedDays = listed.lastUsedDaysAgo
        self.known = known
    }

    /// The inventory row `--adopt` registers: a token without a creation date (legacy) counts as created at the
    /// epoch, so that it is due at once.
    public func inventoryToken(now: Date) -> InventoryToken {
        InventoryToken(
            controller: controller, user: user, name: name, uuid: uuid,
            created: created ?? Date(timeIntervalSince1970: 0), useCount: useCount,
            lastUsed: lastUsedDays.map { Reconciler.day(daysBefore: now, $0) })
    }
}

/// `inventory discover` rows: the keys of SPEC §8.5, then `created_exact`.
public struct DiscoverRow: OutputRow, Equatable {
    public var token: DiscoveredToken

    public init(_ token: DiscoveredToken) {
        self.token = token
    }

    public static let columns = [
        "controller", "user", "name", "uuid", "created", "legacy", "use_count", "last_used_days", "known",
        "created_exact",
    ]

    public var fields: [FieldValue] {
        [
            .text(token.controller), .text(token.user), .text(token.name), .text(token.uuid),
            .optionalInstant(token.created), .bool(token.legacy), .optionalInteger(token.useCount.map(Int64.init)),
            .optionalInteger(token.lastUsedDays.map(Int64.init)), .bool(token.known),
            token.created == nil ? .null : .bool(token.createdExact),
        ]
    }
}
