import Foundation
import GRDB
import RotatorCore

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

extension Inventory {
    /// Records what `reconcile` read about each token's use, in one transaction; unknown uuids are skipped.
    public func recordUsage(_ usages: [TokenUsage]) throws {
        guard !usages.isEmpty else { return }
        try write("recording the usage of \(usages.count) tokens") { db in
            let statement = try db.cachedStatement(sql: "UPDATE tokens SET use_count = ?, last_used = ? WHERE uuid = ?")
            for usage in usages {
                try statement.execute(arguments: [usage.useCount, stored(usage.lastUsed), usage.uuid.lowercased()])
            }
        }
    }
}
