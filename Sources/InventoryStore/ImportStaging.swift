import GRDB
import GRDBSQLite
import RotatorCore

/// An import's rows wait in a temporary table until the whole file is read, then go into `tokens` in one statement,
/// in uuid order. Rows arrive in random uuid order: inserted as they come, each one lands on a random leaf of the
/// uuid's unique index, and once that index outgrows SQLite's page cache nearly every row spills a page to the WAL
/// and reads another back (the `sqlite3` shell, 1,000,000 rows: 9.6 s in file order, 3.3 s in uuid order). The
/// temporary table has no index, so filling it only appends, and SQLite's sorter orders it in bounded memory,
/// spilling to temporary files. It lives inside the import's transaction: a rollback takes it away with the rest.
struct ImportStaging {
    private let append: Statement
    /// Rows staged so far.
    private(set) var count = 0

    init(_ db: Database) throws {
        // A table left by an import that did not end cleanly on this connection must not lend it rows.
        try db.execute(
            sql: """
                DROP TABLE IF EXISTS temp.import_staging;
                CREATE TEMP TABLE import_staging (\(TokenColumns.names), line INTEGER NOT NULL);
                """)
        let values = TokenColumns.placeholders(extra: 1)
        append = try db.makeStatement(
            sql: "INSERT INTO temp.import_staging (\(TokenColumns.names), line) VALUES (\(values))")
    }

    /// Stages one row. Bound and stepped through SQLite's C API: GRDB's arguments (an array of existentials
    /// converted to database values per row) cost more than SQLite's own work on this append-only table.
    mutating func append(_ token: InventoryToken, addedAt: String?, line: Int, _ db: Database) throws {
        let statement = append.sqliteStatement
        var index: Int32 = 1
        var code = SQLITE_OK
        TokenColumns.forEachValue(of: token, addedAt: addedAt) { value in
            if code == SQLITE_OK { code = Self.bind(value, at: index, statement) }
            index += 1
        }
        if code == SQLITE_OK { code = sqlite3_bind_int64(statement, index, Int64(line)) }
        if code == SQLITE_OK { code = sqlite3_step(statement) }
        guard code == SQLITE_DONE else {
            let error = DatabaseError(
                resultCode: ResultCode(rawValue: sqlite3_extended_errcode(db.sqliteConnection)),
                message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: append.sql)
            sqlite3_reset(statement)
            throw error
        }
        sqlite3_reset(statement)
        count += 1
    }

    private static func bind(_ value: TokenColumns.Value, at index: Int32, _ statement: SQLiteStatement) -> Int32 {
        switch value {
        case .text(nil), .integer(nil):
            return sqlite3_bind_null(statement, index)
        case .text(var text?):
            // SQLite copies the bytes (SQLITE_TRANSIENT) into a buffer it keeps from row to row.
            return text.withUTF8 { bytes in
                sqlite3_bind_text(statement, index, bytes.baseAddress, Int32(bytes.count), sqliteTransient)
            }
        case .integer(let integer?):
            return sqlite3_bind_int64(statement, index, Int64(integer))
        }
    }

    /// Moves every staged row into `tokens`, in uuid order, and drops the staging table. A uuid the inventory
    /// already holds, or one that an earlier row of the import holds, throws ``Conflict`` for the first such row by
    /// line.
    func insertAll(_ db: Database) throws {
        do {
            try db.execute(
                sql: """
                    INSERT INTO main.tokens (\(TokenColumns.names))
                    SELECT \(TokenColumns.names) FROM temp.import_staging ORDER BY uuid
                    """)
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            // SQLite undid the failed statement: `tokens` holds only what it held before the import.
            throw try firstConflict(db) ?? error
        }
        try db.execute(sql: "DROP TABLE temp.import_staging")
    }

    /// A staged row whose uuid is already taken: by the identity (`controller/user/name`) the inventory holds it
    /// under, or by an earlier line of the import (`firstLine`, and that line's identity).
    struct Conflict: Error {
        var line: Int
        var uuid: String
        var existing: String
        var firstLine: Int?
    }

    /// The first row, by line, whose uuid is in the inventory or on an earlier row of the import: what a row by
    /// row insert would have stopped at. Only an import that failed pays for this search.
    private func firstConflict(_ db: Database) throws -> Conflict? {
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT line, uuid, existing, first_line FROM (
                    SELECT s.line, s.uuid, t.controller || '/' || t.user || '/' || t.name AS existing,
                        NULL AS first_line
                    FROM temp.import_staging s JOIN main.tokens t ON t.uuid = s.uuid
                    UNION ALL
                    SELECT line, uuid, first_identity, first_line FROM (
                        SELECT line, uuid,
                            row_number() OVER (PARTITION BY uuid ORDER BY line) AS occurrence,
                            first_value(controller || '/' || user || '/' || name)
                                OVER (PARTITION BY uuid ORDER BY line) AS first_identity,
                            first_value(line) OVER (PARTITION BY uuid ORDER BY line) AS first_line
                        FROM temp.import_staging)
                    WHERE occurrence = 2)
                ORDER BY line LIMIT 1
                """)
        return row.map {
            Conflict(line: $0["line"], uuid: $0["uuid"], existing: $0["existing"], firstLine: $0["first_line"])
        }
    }
}

/// SQLite's `SQLITE_TRANSIENT` destructor (a macro Swift cannot import): SQLite copies the value before the call
/// returns.
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
