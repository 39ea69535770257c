import Foundation
import PostgresNIO
import RotatorCore

extension PostgresInventory {
    /// Appends one event to the log and returns its id. The log is append-only (a trigger refuses UPDATE, DELETE
    /// and TRUNCATE).
    @discardableResult
    public func appendEvent(_ event: InventoryEvent) async throws -> Int64 {
        try await write("appending a \(event.kind) event") { connection in
            try await insertEvents([event], connection).first ?? 0
        }
    }

    /// The events of one run, in the order they happened.
    public func events(runID: Int64) async throws -> [InventoryEvent] {
        var binds = PostgresBindings()
        binds.append(runID)
        return try await fetchEvents(InventoryEvent.postgresColumns + " WHERE run_id = $1 ORDER BY id", binds)
    }

    /// The events about one token (by uuid), in the order they happened.
    public func events(tokenUUID: String) async throws -> [InventoryEvent] {
        var binds = PostgresBindings()
        binds.append(tokenUUID.lowercased())
        return try await fetchEvents(InventoryEvent.postgresColumns + " WHERE uuid = $1 ORDER BY id", binds)
    }

    private func fetchEvents(_ sql: String, _ binds: PostgresBindings) async throws -> [InventoryEvent] {
        try await rows("reading events", PostgresQuery(unsafeSQL: sql, binds: binds))
            .map { try InventoryEvent(postgresRow: $0, location: location) }
    }

    func append(_ events: [InventoryEvent], _ connection: PostgresConnection) async throws {
        _ = try await insertEvents(events, connection)
    }

    /// Inserts events (a write carries one or two) and returns their ids in order.
    private func insertEvents(_ events: [InventoryEvent], _ connection: PostgresConnection) async throws -> [Int64] {
        var ids: [Int64] = []
        for event in events {
            let rows = try await connection.rows(
                """
                INSERT INTO events (at, run_id, rotation_id, controller, "user", name, uuid, kind, message)
                VALUES (\(Instant(event.at)), \(event.runID), \(event.rotationID), \(event.controller), \(event.user),
                \(event.name), \(event.uuid?.lowercased()), \(event.kind), \(event.message)) RETURNING id
                """, logger: logger)
            ids.append(try rows[0].decode(Int64.self))
        }
        return ids
    }
}
