import Foundation
@_spi(Testing) import PostgresInventory
import PostgresNIO
import PostgresTestSupport
import RotatorTestSupport
import Testing

/// Opening a PostgreSQL inventory: migrations applied in order, once, recorded; a newer database refused.
@Suite("PostgreSQL: opening and migrating")
struct MigrationTests {
    /// The package's root folder (this file is Tests/PostgresInventoryTests/MigrationTests.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("every file in migrations/postgresql is embedded, in order, with the same text")
    func everyFileIsEmbedded() throws {
        let folder = Self.root.appendingPathComponent("migrations/postgresql")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }
            .sorted()
        let embedded = PostgresInventory.embeddedMigrationSQL
        #expect(embedded.map(\.id) == files.map { String($0.dropLast(4)) })
        for (file, migration) in zip(files, embedded) {
            #expect(try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8) == migration.sql)
        }
    }

    @Test("the PostgreSQL schema has the SQLite schema's tables and columns")
    func sameTablesAsSQLite() async throws {
        let inventory = try await PostgresCluster.freshInventory()
        let dump = try await inventory.dumpAllRows()
        for table in ["events", "rotations", "runs", "tokens", "token_claims", "schema_migrations"] {
            #expect(dump.contains("# \(table)\n"), "\(table) missing")
        }
        let sqlite = try String(
            contentsOf: Self.root.appendingPathComponent("migrations/0001_create_inventory.sql"), encoding: .utf8)
        let postgres = PostgresInventory.embeddedMigrationSQL[0].sql
        for table in ["tokens", "runs", "rotations", "events"] {
            #expect(
                columns(of: table, in: postgres).subtracting(["began"]) == columns(of: table, in: sqlite),
                "columns of \(table)")
        }
    }

    /// Column names of `CREATE TABLE table (…)` in a migration file.
    private func columns(of table: String, in sql: String) -> Set<String> {
        guard let start = sql.range(of: "CREATE TABLE \(table) (") else { return [] }
        var names: Set<String> = []
        for line in sql[start.upperBound...].split(separator: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix(");") { break }
            guard let word = text.split(separator: " ").first, !text.hasPrefix("--"), !text.hasPrefix("CHECK"),
                !text.hasPrefix("'"), word.first?.isLetter == true || word.first == "\""
            else { continue }
            names.insert(word.replacingOccurrences(of: "\"", with: ""))
        }
        return names
    }

    @Test("opening migrates once and records the version; opening again changes nothing")
    func migratesOnce() async throws {
        let url = try await PostgresCluster.shared().makeDatabase()
        let first = try await PostgresInventory.open(url: url, environment: [:])
        #expect(try await first.schemaVersion == PostgresInventory.knownMigrations.last)
        try await first.add(sampleToken(1), addedAt: addedAt)
        let before = try await first.dumpAllRows()
        await first.close()
        let second = try await PostgresInventory.open(url: url, environment: [:])
        #expect(try await second.dumpAllRows() == before)
        await second.close()
    }

    @Test("processes opening one empty database at the same moment: one migrates, all open")
    func concurrentOpens() async throws {
        let url = try await PostgresCluster.shared().makeDatabase()
        let versions = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let inventory = try await PostgresInventory.open(url: url, environment: [:])
                    let version = try await inventory.schemaVersion
                    await inventory.close()
                    return version
                }
            }
            var versions: [String] = []
            for try await version in group { versions.append(version) }
            return versions
        }
        #expect(versions == Array(repeating: PostgresInventory.knownMigrations.last!, count: 4))
    }

    @Test("a database migrated by a newer token-rotator is refused before anything changes")
    func newerSchemaRefused() async throws {
        let url = try await PostgresCluster.shared().makeDatabase()
        let inventory = try await PostgresInventory.open(url: url, environment: [:])
        try await inventory.executeRawSQL("INSERT INTO schema_migrations (identifier) VALUES ('0099_from_the_future')")
        let before = try await inventory.dumpAllRows()
        await inventory.close()
        let error = await #expect(throws: PostgresInventoryError.self) {
            _ = try await PostgresInventory.open(url: url, environment: [:])
        }
        guard case .schemaTooNew(_, let migration) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(migration == "0099_from_the_future")
        #expect(error?.description.contains("upgrade token-rotator") == true)
        let database = try #require(url.split(separator: "/").last?.split(separator: "?").first)
        let applied = try await PostgresCluster.shared().withAdminConnection(database: String(database)) {
            connection in
            try await connection.query(
                "SELECT identifier FROM schema_migrations ORDER BY 1", logger: PostgresCluster.logger
            )
            .collect().map { try $0.decode(String.self) }
        }
        #expect(applied == PostgresInventory.knownMigrations + ["0099_from_the_future"])
        #expect(before.contains("0099_from_the_future"))
    }

    @Test("a server that is not there: a clear error naming the database, without a password")
    func unreachable() async throws {
        let url = "postgresql://rotator@127.0.0.1:1/inventory?sslmode=disable&connect_timeout=2"
        let error = await #expect(throws: PostgresInventoryError.self) {
            _ = try await PostgresInventory.open(url: url, environment: ["PGPASSWORD": "hunter2-secret"])
        }
        let text = error?.description ?? ""
        #expect(text.contains("postgresql://rotator@127.0.0.1:1/inventory"), "\(text)")
        #expect(text.contains("cannot connect"), "\(text)")
        #expect(!text.contains("hunter2"))
    }

    @Test("a migration file splits into statements; semicolons in quotes, comments and $$ bodies do not split")
    func statementSplitting() {
        let sql = """
            -- a comment; with a semicolon
            CREATE TABLE t (a TEXT DEFAULT 'x;y', "b;c" INT); /* block; comment */
            CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'no; never'; END;
            $$;
            SELECT $1;
            """
        let statements = PostgresInventory.migrationStatements(sql)
        #expect(statements.count == 3, "\(statements)")
        #expect(statements.first == #"CREATE TABLE t (a TEXT DEFAULT 'x;y', "b;c" INT)"#)
        #expect(statements[1].hasSuffix("$$"))
        #expect(statements[2] == "SELECT $1")
    }
}
