import GRDB

/// A large import builds the `tokens` table's secondary indexes once, at the end, instead of maintaining them
/// row by row: inside the import's transaction, once its rows are staged and counted, the indexes are dropped and
/// then created again from their own `CREATE INDEX` text before the commit. The rows go in by uuid, which is random
/// order for every other index: keeping three more B-trees up to date costs about ten times what one sorted build
/// costs. A rollback puts the indexes back with the rows. The uuid's unique index stays: it finds duplicates.
struct DeferredIndexes {
    /// The `CREATE INDEX` statements dropped so far (empty until ``dropIfWorthIt(imported:_:)`` drops them).
    private var dropped: [String] = []
    /// Rows already in `tokens` when the import began.
    private let existingRows: Int

    /// Rows imported before dropping pays off: a rebuild covers every row, old and new, at about a tenth of
    /// the cost per row of keeping the indexes up to date, so only once the import is an eighth of the table.
    private var threshold: Int { max(10_000, existingRows / 8) }

    init(_ db: Database) throws {
        existingRows = try Int.fetchOne(db, sql: "SELECT count(*) FROM tokens") ?? 0
    }

    /// Drops the secondary indexes when `imported` rows are enough to pay for building them again.
    mutating func dropIfWorthIt(imported: Int, _ db: Database) throws {
        guard dropped.isEmpty, imported >= threshold else { return }
        // Automatic indexes (UNIQUE, PRIMARY KEY) have no SQL and are never dropped.
        let indexes = try Row.fetchAll(
            db,
            sql: "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tokens' AND sql IS NOT NULL")
        for index in indexes {
            let name: String = index["name"]
            try db.execute(sql: "DROP INDEX \(name.quotedDatabaseIdentifier)")
            dropped.append(index["sql"])
        }
    }

    /// Builds again whatever was dropped (call before the commit).
    mutating func rebuild(_ db: Database) throws {
        for sql in dropped { try db.execute(sql: sql) }
        dropped = []
    }
}
