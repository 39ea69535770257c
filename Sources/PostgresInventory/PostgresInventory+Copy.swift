import Foundation
import PostgresNIO

/// Copying another inventory (an SQLite one, `inventory copy --to`) into an empty PostgreSQL one, history included:
/// every row of every table with its id, so that journal rows, runs and events keep pointing at each other.
extension PostgresInventory {
    /// The tables a copy fills, in an order that satisfies their foreign keys, with their columns in the order a
    /// ``CopyBatch`` gives values.
    public enum CopiedTable: String, Sendable, CaseIterable {
        case runs, rotations, events, tokens

        public var columns: [String] {
            switch self {
            case .runs:
                [
                    "id", "started", "finished", "mode", "rotated", "failed", "retired", "skipped", "uncertain",
                    "exit_code", "as_of",
                ]
            case .rotations:
                [
                    "id", "run_id", "controller", "user", "name", "old_uuid", "new_name", "new_uuid", "new_fingerprint",
                    "step", "outcome", "started", "finished", "updated", "error",
                ]
            case .events:
                ["id", "at", "run_id", "rotation_id", "controller", "user", "name", "uuid", "kind", "message"]
            case .tokens:
                [
                    "id", "controller", "user", "name", "uuid", "created", "state", "fingerprint", "replaced_by",
                    "revoke_after", "revoked_at", "last_rotated", "added_at", "use_count", "last_used",
                ]
            }
        }

        /// Columns holding instants (given as the SQLite inventory's text, `YYYY-MM-DDTHH:MM:SS.SSSZ`).
        var instantColumns: Set<String> {
            [
                "started", "finished", "as_of", "updated", "at", "created", "revoke_after", "revoked_at",
                "last_rotated", "added_at", "last_used",
            ]
        }
    }

    /// One value of a copied row: NULL, an integer, or text (instants as the SQLite inventory's UTC text).
    public enum CopiedValue: Sendable, Equatable {
        case null
        case integer(Int64)
        case text(String)
    }

    /// Copies rows into this inventory, which must be empty (no token, run, rotation or event), in one
    /// transaction: `body` hands over the rows table by table through `insert`, and nothing is kept unless all of
    /// it is. Afterwards new rows get ids above the copied ones.
    public func copyIn(
        _ body: (_ insert: (CopiedTable, [[CopiedValue]]) async throws -> Void) async throws -> Void
    ) async throws {
        try await write("copying an inventory in") { connection in
            let counts = try await connection.rows(
                """
                SELECT (SELECT count(*) FROM tokens) + (SELECT count(*) FROM runs) + (SELECT count(*) FROM rotations)
                    + (SELECT count(*) FROM events)
                """, logger: logger)
            guard try counts.first?.decode(Int64.self) == 0 else {
                throw PostgresInventoryError.database(
                    location: location, operation: "copying an inventory in",
                    message: "the target already holds tokens or history; copy only into an empty inventory")
            }
            try await body { table, rows in try await insertCopied(table, rows, connection) }
            for table in CopiedTable.allCases {
                try await connection.query(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT setval(pg_get_serial_sequence('\(table.rawValue)', 'id'),
                                (SELECT COALESCE(max(id), 0) + 1 FROM \(table.rawValue)), false)
                            """), logger: logger)
            }
        }
    }

    private func insertCopied(
        _ table: CopiedTable, _ rows: [[CopiedValue]], _ connection: PostgresConnection
    ) async throws {
        let columns = table.columns
        // At most 65,535 parameters per statement.
        let perStatement = max(1, 60_000 / columns.count)
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            var binds = PostgresBindings()
            var tuples: [String] = []
            for row in rows[start..<min(start + perStatement, rows.count)] {
                guard row.count == columns.count else {
                    throw PostgresInventoryError.database(
                        location: location, operation: "copying \(table.rawValue)",
                        message: "a row has \(row.count) values for \(columns.count) columns")
                }
                var placeholders: [String] = []
                for (column, value) in zip(columns, row) {
                    switch value {
                    case .null: binds.appendNull()
                    case .integer(let number): binds.append(number)
                    case .text(let text): binds.append(text)
                    }
                    let cast = table.instantColumns.contains(column) ? "::timestamptz" : ""
                    placeholders.append("$\(binds.count)\(cast)")
                }
                tuples.append("(" + placeholders.joined(separator: ", ") + ")")
            }
            let columnList = columns.map { $0 == "user" ? #""user""# : $0 }.joined(separator: ", ")
            let sql = "INSERT INTO \(table.rawValue) (\(columnList)) VALUES " + tuples.joined(separator: ", ")
            try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        }
    }
}
