import Foundation
import GRDB
import RotatorCore

extension Inventory {
    /// Records the start of a run and returns its id. `asOf` is the `--as-of` instant, when one was given.
    @discardableResult
    public func startRun(_ run: RunEntry, asOf: Date? = nil, events: [InventoryEvent] = []) throws -> Int64 {
        try write("starting a \(run.mode) run") { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO runs (started, finished, mode, rotated, failed, retired, skipped, uncertain,
                    exit_code, as_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                stored(run.started), stored(run.finished), run.mode, run.rotated, run.failed, run.retired,
                run.skipped, run.uncertain, run.exitCode, stored(asOf),
            ])
            let id = db.lastInsertedRowID
            try append(
                events.map { event in
                    var event = event
                    if event.runID == nil { event.runID = id }
                    return event
                }, db)
            return id
        }
    }

    /// Records the end of a run: its counters, exit code and end instant.
    public func finishRun(
        id: Int64, counts: RunCounts, exitCode: Int, finished: Date, events: [InventoryEvent] = []
    ) throws {
        try write("finishing run \(id)") { db in
            try db.cachedStatement(
                sql: """
                    UPDATE runs SET rotated = ?, failed = ?, retired = ?, skipped = ?, uncertain = ?, exit_code = ?,
                    finished = ? WHERE id = ?
                    """
            ).execute(arguments: [
                counts.rotated, counts.failed, counts.retired, counts.skipped, counts.uncertain, exitCode,
                stored(finished), id,
            ])
            guard db.changesCount == 1 else { throw InventoryError.unknownRun(path: path, id: id) }
            try append(events, db)
        }
    }

    /// The run with this id, or nil.
    public func run(id: Int64) throws -> RunEntry? {
        try read("reading run \(id)") { db in
            let statement = try db.cachedStatement(sql: RunEntry.selectColumns + " WHERE id = ?")
            return try Row.fetchOne(statement, arguments: [id]).map { try RunEntry(inventoryRow: $0, path: path) }
        }
    }

    /// The most recent runs, newest first.
    public func lastRuns(limit: Int = 20) throws -> [RunEntry] {
        try read("reading runs") { db in
            let statement = try db.cachedStatement(
                sql: RunEntry.selectColumns + " ORDER BY started DESC, id DESC LIMIT ?")
            let rows = try Row.fetchCursor(statement, arguments: [limit])
            return try Array(rows.map { try RunEntry(inventoryRow: $0, path: self.path) })
        }
    }

    func requireRun(id: Int64, _ db: Database) throws {
        let exists = try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM runs WHERE id = ?"), arguments: [id])
        guard exists == true else { throw InventoryError.unknownRun(path: path, id: id) }
    }
}
