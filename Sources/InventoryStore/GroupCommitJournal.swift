import Foundation
import RotatorCore

/// The rotation journal over SQLite: each write returns once durable, and the writes of concurrent rotations share
/// commits on the ``JournalWriter``'s thread, off the threads that run rotations.
public final class GroupCommitJournal: RotationJournal {
    private let inventory: Inventory
    private let writer: JournalWriter

    public init(inventory: Inventory) {
        self.inventory = inventory
        writer = JournalWriter(inventory: inventory)
    }

    public func insert(_ entry: JournalEntry, events: [InventoryEvent]) async throws -> Int64 {
        try await writer.write { try $0.insertRotation(entry, events: events) }
    }

    public func save(_ entry: JournalEntry, at: Date, events: [InventoryEvent]) async throws {
        try await writer.write { try $0.saveRotation(entry, at: at, events: events) }
    }

    public func recordRotated(
        oldUUID: String, successor: InventoryToken, oldState: RetiredTokenState, completing entry: JournalEntry,
        at: Date, events: [InventoryEvent]
    ) async throws {
        let (rotationID, note) = (entry.id, entry.error)
        try await writer.write {
            try $0.recordRotated(
                oldUUID: oldUUID, successor: successor, oldState: oldState, rotatedAt: at, completing: rotationID,
                note: note, events: events)
        }
    }

    public func recordIssued(
        _ token: InventoryToken, completing entry: JournalEntry, at: Date, events: [InventoryEvent]
    ) async throws {
        try await writer.write { try $0.recordIssued(token, completing: entry, at: at, events: events) }
    }

    public func markRevoked(uuid: String, at: Date, events: [InventoryEvent]) async throws {
        try await writer.write { try $0.markRevoked(uuid: uuid, at: at, events: events) }
    }

    public func append(_ events: [InventoryEvent]) async throws {
        try await writer.write { inventory in
            for event in events { _ = try inventory.appendEvent(event) }
        }
    }
}
