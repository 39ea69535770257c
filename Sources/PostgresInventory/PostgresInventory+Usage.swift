import Foundation
import PostgresNIO
import RotatorCore

extension PostgresInventory {
    /// Records what `reconcile` read about each token's use, in one transaction; unknown uuids are skipped.
    public func recordUsage(_ usages: [TokenUsage]) async throws {
        guard !usages.isEmpty else { return }
        try await write("recording the usage of \(usages.count) tokens") { connection in
            for usage in usages {
                try await connection.query(
                    """
                    UPDATE tokens SET use_count = \(usage.useCount.map(Int32.init(clamping:))),
                        last_used = \(usage.lastUsed.map(Instant.init)) WHERE uuid = \(usage.uuid.lowercased())
                    """, logger: logger)
            }
        }
    }
}
