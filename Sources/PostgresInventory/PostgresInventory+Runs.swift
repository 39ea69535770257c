import Foundation
import PostgresNIO
import RotatorCore

extension PostgresInventory {
    /// Records the start of a run and returns its id. `asOf` is the `--as-of` instant, when one was given.
    @discardableResult
    public func startRun(_ run: RunEntry, asOf: Date? = nil, events: [InventoryEvent] = []) async throws -> Int64 {
        try await write("starting a \(run.mode) run") { connection in
            let rows = try await connection.rows(
                """
                INSERT INTO runs (started, finished, mode, rotated, failed, retired, skipped, uncertain, exit_code,
                as_of) VALUES (\(Instant(run.started)), \(run.finished.instant), \(run.mode), \(run.rotated),
                \(run.failed), \(run.retired), \(run.skipped), \(run.uncertain), \(run.exitCode), \(asOf.instant))
                RETURNING id
                """, logger: logger)
            let id = try rows[0].decode(Int64.self)
            try await append(
                events.map { event in
                    var event = event
                    if event.runID == nil { event.runID = id }
                    return event
                }, connection)
            return id
        }
    }

    /// Records the end of a run: its counters, exit code and end instant.
    public func finishRun(
        id: Int64, counts: RunCounts, exitCode: Int, finished: Date, events: [InventoryEvent] = []
    ) async throws {
        try await write("finishing run \(id)") { connection in
            let changed = try await connection.changes(
                """
                UPDATE runs SET rotated = \(counts.rotated), failed = \(counts.failed), retired = \(counts.retired),
                skipped = \(counts.skipped), uncertain = \(counts.uncertain), exit_code = \(exitCode),
                finished = \(Instant(finished)) WHERE id = \(id) RETURNING 1
                """, logger: logger)
            guard changed == 1 else { throw PostgresInventoryError.unknownRun(location: location, id: id) }
            try await append(events, connection)
        }
    }

    /// The run with this id, or nil.
    public func run(id: Int64) async throws -> RunEntry? {
        var binds = PostgresBindings()
        binds.append(id)
        return try await rows(
            "reading run \(id)", PostgresQuery(unsafeSQL: RunEntry.postgresColumns + " WHERE id = $1", binds: binds)
        ).first.map { try RunEntry(postgresRow: $0, location: location) }
    }

    /// The most recent runs, newest first.
    public func lastRuns(limit: Int = 20) async throws -> [RunEntry] {
        var binds = PostgresBindings()
        binds.append(limit)
        let sql = RunEntry.postgresColumns + " ORDER BY started DESC, id DESC LIMIT $1"
        return try await rows("reading runs", PostgresQuery(unsafeSQL: sql, binds: binds))
            .map { try RunEntry(postgresRow: $0, location: location) }
    }

    func requireRun(id: Int64, _ connection: PostgresConnection) async throws {
        let rows = try await connection.rows("SELECT 1 FROM runs WHERE id = \(id)", logger: logger)
        guard !rows.isEmpty else { throw PostgresInventoryError.unknownRun(location: location, id: id) }
    }
}
