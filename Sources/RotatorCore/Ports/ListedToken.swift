import Foundation

/// A token as listed on a user's security page: Jenkins shows no value, and dates only as phrases or tooltips
/// (jenkins-api.md §7, §15). The fields after `uuid` are what the page says; nil where it says nothing.
public struct ListedToken: Sendable, Equatable {
    public var name: String
    public var uuid: String
    /// A token migrated from the legacy system: it has no creation date.
    public var legacy: Bool
    /// Whole days since creation; nil when the page shows none (a legacy token).
    public var createdDaysAgo: Int?
    /// Whether ``createdDaysAgo`` is exact to the day; false where the page only says "over a month ago",
    /// and then it is a lower bound on the age.
    public var createdDaysExact: Bool
    /// Successful authentications with this token (0 for "Never used"); nil when statistics are off or unknown.
    public var useCount: Int?
    /// Whole days since the last use (a lower bound where the page is coarse); nil when never used or unknown.
    public var lastUsedDaysAgo: Int?

    public init(
        name: String, uuid: String, legacy: Bool = false, createdDaysAgo: Int? = nil, createdDaysExact: Bool = false,
        useCount: Int? = nil, lastUsedDaysAgo: Int? = nil
    ) {
        self.name = name
        self.uuid = uuid
        self.legacy = legacy
        self.createdDaysAgo = createdDaysAgo
        self.createdDaysExact = createdDaysExact
        self.useCount = useCount
        self.lastUsedDaysAgo = lastUsedDaysAgo
    }
}
