import Foundation
import PostgresNIO
import RotatorCore

extension PostgresInventory {
    /// Starts a journal row and returns its id. Events without a `rotationID` get the new id; all are appended in
    /// the same transaction.
    @discardableResult
    public func insertRotation(_ rotation: JournalEntry, events: [InventoryEvent] = []) async throws -> Int64 {
        try await write("starting a rotation of \(rotation.controller)/\(rotation.user)/\(rotation.name)") {
            connection in
            if let runID = rotation.runID { try await requireRun(id: runID, connection) }
            let rows = try await connection.rows(
                """
                INSERT INTO rotations (run_id, controller, "user", name, old_uuid, new_name, new_uuid,
                new_fingerprint, step, outcome, started, finished, updated, error) VALUES (\(rotation.runID),
                \(rotation.controller), \(rotation.user), \(rotation.name), \(rotation.oldUUID?.lowercased()),
                \(rotation.newName), \(rotation.newUUID?.lowercased()), \(rotation.newFingerprint),
                \(rotation.step.rawValue), \(rotation.outcome?.rawValue), \(Instant(rotation.started)),
                \(rotation.finished.instant), \(Instant(rotation.started)), \(rotation.error)) RETURNING id
                """, logger: logger)
            let id = try rows[0].decode(Int64.self)
            try await append(
                events.map { event in
                    var event = event
                    if event.rotationID == nil { event.rotationID = id }
                    return event
                }, connection)
            return id
        }
    }

    /// Records a journal row's progress (`rotation.id` required): its step, the successor's name, uuid and
    /// fingerprint, outcome, error and end; `at` is when. The row's identity is fixed when it is inserted.
    public func saveRotation(_ rotation: JournalEntry, at: Date, events: [InventoryEvent] = []) async throws {
        guard let id = rotation.id else {
            throw PostgresInventoryError.database(
                location: location, operation: "saving a rotation", message: "the rotation has no id; insert it first")
        }
        // The engine's hottest write: one step and its one event. One statement is one transaction, committed
        // before the answer comes back: one round trip instead of BEGIN, UPDATE, INSERT, COMMIT.
        if events.count <= 1 {
            let saved: Int
            if let event = events.first {
                saved = try await rows(
                    "saving rotation \(id)",
                    """
                    WITH updated AS (
                        UPDATE rotations SET step = \(rotation.step.rawValue), new_name = \(rotation.newName),
                        new_uuid = \(rotation.newUUID?.lowercased()), new_fingerprint = \(rotation.newFingerprint),
                        outcome = \(rotation.outcome?.rawValue), finished = \(rotation.finished.instant),
                        updated = \(Instant(at)), error = \(rotation.error) WHERE id = \(id) RETURNING id)
                    INSERT INTO events (at, run_id, rotation_id, controller, "user", name, uuid, kind, message)
                    SELECT \(Instant(event.at)), \(event.runID), \(event.rotationID), \(event.controller), \(event.user),
                        \(event.name), \(event.uuid?.lowercased()), \(event.kind), \(event.message) FROM updated
                    RETURNING 1
                    """
                ).count
            } else {
                saved = try await rows(
                    "saving rotation \(id)",
                    progressUpdate(rotation, id: id, at: at)
                ).count
            }
            guard saved == 1 else { throw PostgresInventoryError.unknownRotation(location: location, id: id) }
            return
        }
        try await write("saving rotation \(id)") { connection in
            let changed = try await connection.changes(progressUpdate(rotation, id: id, at: at), logger: logger)
            guard changed == 1 else { throw PostgresInventoryError.unknownRotation(location: location, id: id) }
            try await append(events, connection)
        }
    }

    /// `UPDATE … RETURNING 1` of a row's progress (the `WITH updated` statement above says the same, with an event).
    private func progressUpdate(_ rotation: JournalEntry, id: Int64, at: Date) -> PostgresQuery {
        """
        UPDATE rotations SET step = \(rotation.step.rawValue), new_name = \(rotation.newName),
        new_uuid = \(rotation.newUUID?.lowercased()), new_fingerprint = \(rotation.newFingerprint),
        outcome = \(rotation.outcome?.rawValue), finished = \(rotation.finished.instant),
        updated = \(Instant(at)), error = \(rotation.error) WHERE id = \(id) RETURNING 1
        """
    }

    /// The journal row with this id, or nil.
    public func rotation(id: Int64) async throws -> JournalEntry? {
        var binds = PostgresBindings()
        binds.append(id)
        return try await fetchRotations(
            JournalEntry.postgresColumns + " WHERE id = $1", binds, operation: "reading rotation \(id)"
        ).first
    }

    /// Rotations whose step is not final (an interrupted run, a lost generate response), oldest first.
    public func unfinishedRotations() async throws -> [JournalEntry] {
        let open = RotationStep.allCases.filter { !$0.isFinal }.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return try await fetchRotations(
            JournalEntry.postgresColumns + " WHERE step IN (\(open)) ORDER BY started, id", PostgresBindings(),
            operation: "reading unfinished rotations")
    }

    /// The journal, newest first: rotations started at or after `since`, and touching `tokenUUID` (as the old
    /// or the new token) when given.
    public func history(since: Date? = nil, tokenUUID: String? = nil, limit: Int? = nil) async throws
        -> [JournalEntry]
    {
        var conditions: [String] = []
        var binds = PostgresBindings()
        if let since {
            binds.append(Instant(since))
            conditions.append("started >= $\(binds.count)")
        }
        if let tokenUUID {
            binds.append(tokenUUID.lowercased())
            conditions.append("(old_uuid = $\(binds.count) OR new_uuid = $\(binds.count))")
        }
        var sql = JournalEntry.postgresColumns
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY started DESC, id DESC"
        if let limit {
            binds.append(limit)
            sql += " LIMIT $\(binds.count)"
        }
        return try await fetchRotations(sql, binds, operation: "reading history")
    }

    private func fetchRotations(_ sql: String, _ binds: PostgresBindings, operation: String) async throws
        -> [JournalEntry]
    {
        try await rows(operation, PostgresQuery(unsafeSQL: sql, binds: binds))
            .map { try JournalEntry(postgresRow: $0, location: location) }
    }

    /// Whether a uuid is an inventory token or one a rotation recorded as minted (so that settling a lost
    /// generate response never revokes a token the tool knows about).
    public func isKnownToken(uuid: String) async throws -> Bool {
        let uuid = uuid.lowercased()
        let rows = try await rows(
            "looking up token \(uuid)",
            """
            SELECT EXISTS (SELECT 1 FROM tokens WHERE uuid = \(uuid))
                OR EXISTS (SELECT 1 FROM rotations WHERE new_uuid = \(uuid) AND step NOT IN ('rolled_back'))
            """)
        return try rows.first?.decode(Bool.self) ?? false
    }
}
