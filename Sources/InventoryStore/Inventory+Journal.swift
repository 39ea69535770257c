import Foundation
import GRDB
import RotatorCore

extension Inventory {
    /// Starts a journal row and returns its id. Events without a `rotationID` get the new id; all are appended in
    /// the same transaction.
    @discardableResult
    public func insertRotation(_ rotation: JournalEntry, events: [InventoryEvent] = []) throws -> Int64 {
        try write("starting a rotation of \(rotation.controller)/\(rotation.user)/\(rotation.name)") { db in
            if let runID = rotation.runID { try requireRun(id: runID, db) }
            try db.cachedStatement(
                sql: """
                    INSERT INTO rotations (run_id, controller, user, name, old_uuid, new_name, new_uuid,
                    new_fingerprint, step, outcome, started, finished, updated, error)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                rotation.runID, rotation.controller, rotation.user, rotation.name, rotation.oldUUID?.lowercased(),
                rotation.newName, rotation.newUUID?.lowercased(), rotation.newFingerprint, rotation.step.rawValue,
                rotation.outcome?.rawValue, stored(rotation.started), stored(rotation.finished),
                stored(rotation.started), rotation.error,
            ])
            let id = db.lastInsertedRowID
            try append(
                events.map { event in
                    var event = event
                    if event.rotationID == nil { event.rotationID = id }
                    return event
                }, db)
            return id
        }
    }

    /// Records a journal row's progress (`rotation.id` required): its step, the successor's name, uuid and
    /// fingerprint, outcome, error and end; `at` is when. The row's identity (run, controller, user, token, old
    /// uuid, start) is fixed when it is inserted. Updating only what moves keeps each durable step small.
    public func saveRotation(_ rotation: JournalEntry, at: Date, events: [InventoryEvent] = []) throws {
        guard let id = rotation.id else {
            throw InventoryError.database(
                path: path, operation: "saving a rotation", message: "the rotation has no id; insert it first")
        }
        try write("saving rotation \(id)") { db in
            try db.cachedStatement(
                sql: """
                    UPDATE rotations SET step = ?, new_name = ?, new_uuid = ?, new_fingerprint = ?, outcome = ?,
                    finished = ?, updated = ?, error = ? WHERE id = ?
                    """
            ).execute(arguments: [
                rotation.step.rawValue, rotation.newName, rotation.newUUID?.lowercased(), rotation.newFingerprint,
                rotation.outcome?.rawValue, stored(rotation.finished), stored(at), rotation.error, id,
            ])
            guard db.changesCount == 1 else { throw InventoryError.unknownRotation(path: path, id: id) }
            try append(events, db)
        }
    }

    /// The journal row with this id, or nil.
    public func rotation(id: Int64) throws -> JournalEntry? {
        try read("reading rotation \(id)") { db in
            let statement = try db.cachedStatement(sql: JournalEntry.selectColumns + " WHERE id = ?")
            return try Row.fetchOne(statement, arguments: [id]).map { try JournalEntry(inventoryRow: $0, path: path) }
        }
    }

    /// Rotations whose step is not final (an interrupted run, a lost generate response), oldest first.
    public func unfinishedRotations() throws -> [JournalEntry] {
        let open = RotationStep.allCases.filter { !$0.isFinal }.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let sql = JournalEntry.selectColumns + " WHERE step IN (\(open)) ORDER BY started, id"
        return try fetchRotations(sql: sql, arguments: [], operation: "reading unfinished rotations")
    }

    /// The journal, newest first: rotations started at or after `since`, and touching `tokenUUID` (as the old
    /// or the new token) when given.
    public func history(since: Date? = nil, tokenUUID: String? = nil, limit: Int? = nil) throws -> [JournalEntry] {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let since {
            conditions.append("started >= ?")
            arguments.append(stored(since))
        }
        if let tokenUUID {
            conditions.append("(old_uuid = ? OR new_uuid = ?)")
            arguments += [tokenUUID.lowercased(), tokenUUID.lowercased()]
        }
        var sql = JournalEntry.selectColumns
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY started DESC, id DESC"
        if let limit {
            sql += " LIMIT ?"
            arguments.append(limit)
        }
        return try fetchRotations(sql: sql, arguments: StatementArguments(arguments), operation: "reading history")
    }

    private func fetchRotations(
        sql: String, arguments: StatementArguments, operation: String
    ) throws -> [JournalEntry] {
        try read(operation) { db in
            let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
            return try Array(rows.map { try JournalEntry(inventoryRow: $0, path: self.path) })
        }
    }
}
