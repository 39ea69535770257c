import Foundation
import PostgresNIO

/// Raw access for the test suite (`@_spi(Testing) import PostgresInventory`): not part of the product's API.
extension PostgresInventory {
    /// Runs one SQL statement outside the inventory's API (e.g. to plant a fake migration id or try to edit the
    /// event log), in a transaction of its own.
    @_spi(Testing)
    public func executeRawSQL(_ sql: String) async throws {
        try await write("running raw SQL") { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }

    /// Every row of every table, as text, in a stable order: equal dumps mean unchanged data.
    @_spi(Testing)
    public func dumpAllRows() async throws -> String {
        try await write("dumping the database") { connection in
            let tables = try await connection.rows(
                """
                SELECT table_name::text FROM information_schema.tables
                WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name
                """, logger: logger
            ).map { try $0.decode(String.self) }
            var dump = ""
            for table in tables {
                dump += "# \(table)\n"
                let sql = "SELECT row_to_json(t)::text AS row FROM \"\(table)\" AS t ORDER BY 1"
                for row in try await connection.rows(PostgresQuery(unsafeSQL: sql), logger: logger) {
                    dump += try row.decode(String.self) + "\n"
                }
            }
            return dump
        }
    }

    /// The SQL text embedded for each migration id, to compare with the files in `migrations/postgresql/`.
    @_spi(Testing)
    public static var embeddedMigrationSQL: [(id: String, sql: String)] {
        PostgresMigrations.all.map { ($0.id, String(decoding: $0.sql, as: UTF8.self)) }
    }

    /// The statements a migration file splits into.
    @_spi(Testing)
    public static func migrationStatements(_ sql: String) -> [String] {
        PostgresMigrations.statements(sql)
    }
}
