import Foundation
import GRDB
import RotatorCore

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
