import Foundation
import RotatorCore

extension PostgresInventory: InventoryDatabase {
    /// The inventory itself: each write is its own transaction (the server groups concurrent commits).
    public func rotationJournal() -> any RotationJournal { self }

    public var claims: (any TokenClaims)? { self }
}

/// The rotation journal over PostgreSQL: each write is one transaction, committed before it returns. Concurrent
/// rotations write over several connections at once; the server groups their commits itself.
extension PostgresInventory: RotationJournal {
    public func insert(_ entry: JournalEntry, events: [InventoryEvent]) async throws -> Int64 {
        try await insertRotation(entry, events: events)
    }

    public func save(_ entry: JournalEntry, at: Date, events: [InventoryEvent]) async throws {
        try await saveRotation(entry, at: at, events: events)
    }

    public func recordRotated(
        oldUUID: String, successor: InventoryToken, oldState: RetiredTokenState, completing entry: JournalEntry,
        at: Date, events: [InventoryEvent]
    ) async throws {
        try await recordRotated(
            oldUUID: oldUUID, successor: successor, oldState: oldState, rotatedAt: at, completing: entry.id,
            note: entry.error, events: events)
    }

    public func append(_ events: [InventoryEvent]) async throws {
        guard !events.isEmpty else { return }
        try await write("appending \(events.count) events") { connection in try await append(events, connection) }
    }
}
