import Foundation
import GRDB
import RotatorCore

extension Inventory {
    /// Appends one event to the log and returns its id. The log is append-only (triggers refuse UPDATE and DELETE).
    @discardableResult
    public func appendEvent(_ event: InventoryEvent) throws -> Int64 {
        try write("appending a \(event.kind) event") { db in
            try append([event], db)
            return db.lastInsertedRowID
        }
    }

    /// The events of one run, in the order they happened.
    public func events(runID: Int64) throws -> [InventoryEvent] {
        try fetchEvents(sql: InventoryEvent.selectColumns + " WHERE run_id = ? ORDER BY id", arguments: [runID])
    }

    /// The events about one token (by uuid), in the order they happened.
    public func events(tokenUUID: String) throws -> [InventoryEvent] {
        try fetchEvents(
            sql: InventoryEvent.selectColumns + " WHERE uuid = ? ORDER BY id", arguments: [tokenUUID.lowercased()])
    }

    private func fetchEvents(sql: String, arguments: StatementArguments) throws -> [InventoryEvent] {
        try read("reading events") { db in
            let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
            return try Array(rows.map { try InventoryEvent(inventoryRow: $0, path: self.path) })
        }
    }

    func append(_ events: [InventoryEvent], _ db: Database) throws {
        guard !events.isEmpty else { return }
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO events (at, run_id, rotation_id, controller, user, name, uuid, kind, message)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for event in events {
            try statement.execute(arguments: [
                stored(event.at), event.runID, event.rotationID, event.controller, event.user, event.name,
                event.uuid?.lowercased(), event.kind, event.message,
            ])
        }
    }
}
