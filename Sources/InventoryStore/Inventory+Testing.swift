import Foundation
import GRDB

/// Raw access for the test suite (`@_spi(Testing) import InventoryStore`): not part of the product's API.
extension Inventory {
    /// Runs SQL outside the inventory's API (e.g. to plant a fake migration id or try to edit the event log).
    @_spi(Testing)
    public func executeRawSQL(_ sql: String) throws {
        try write("running raw SQL") { db in try db.execute(sql: sql) }
    }

    /// The value of a pragma such as `journal_mode` or `foreign_keys`, as text.
    @_spi(Testing)
    public func pragma(_ name: String) throws -> String? {
        try queue.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA \(name)") }
    }

    /// Every table, index and trigger with its SQL, as text (a write, so it also works inside an import's
    /// transaction, which the write queue re-enters).
    @_spi(Testing)
    public func schemaText() throws -> String {
        try write("reading the schema") { db in
            try Row.fetchAll(db, sql: "SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
                .map(\.description).joined(separator: "\n")
        }
    }

    /// Every row of every table, as text, in a stable order: equal dumps mean unchanged data.
    @_spi(Testing)
    public func dumpAllRows() throws -> String {
        try read("dumping the database", Self.dump)
    }

    /// ``dumpAllRows()`` of the file at `path`, opened read-only and without migrating it.
    @_spi(Testing)
    public static func dumpWithoutMigrating(path: String) throws -> String {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read(dump)
    }

    private static func dump(_ db: Database) throws -> String {
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        var dump = ""
        for table in tables {
            dump += "# \(table)\n"
            for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table.quotedDatabaseIdentifier) ORDER BY rowid") {
                dump += row.description + "\n"
            }
        }
        return dump
    }

    /// The SQL text embedded for each migration id, to compare with the files in `migrations/`.
    @_spi(Testing)
    public static var embeddedMigrationSQL: [(id: String, sql: String)] {
        EmbeddedMigrations.all.map { ($0.id, String(decoding: $0.sql, as: UTF8.self)) }
    }
}
