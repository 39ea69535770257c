import Foundation
import Logging
import PostgresNIO

/// The SQL files of `migrations/postgresql/`, embedded in the binary (`Package.swift`, `.embedInCode`), in the order
/// they apply. A migration's id is its file stem; applied ids are recorded in `schema_migrations`.
enum PostgresMigrations {
    struct Migration {
        let id: String
        let sql: [UInt8]
    }

    // Append one line per new file in migrations/postgresql/ (and one `.embedInCode` line in Package.swift).
    static let all: [Migration] = [
        Migration(id: "0001_create_inventory", sql: PackageResources._001_create_inventory_sql),
        Migration(id: "0002_add_token_usage", sql: PackageResources._002_add_token_usage_sql),
    ]

    /// Serialises migrations between processes opening the same database at once (`pg_advisory_xact_lock`).
    static let lockKey: Int64 = 0x746F_6B65_6E72_6F74  // "tokenrot"

    /// Splits a migration file into statements: postgres-nio sends one statement per query. Semicolons inside
    /// quotes, quoted identifiers, comments and dollar-quoted bodies do not split.
    static func statements(_ sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var meaningful = false
        let characters = Array(sql)
        var index = 0
        func take(_ count: Int) {
            current.append(contentsOf: characters[index..<min(index + count, characters.count)])
            index += count
        }
        func peek(_ offset: Int) -> Character? {
            index + offset < characters.count ? characters[index + offset] : nil
        }
        while index < characters.count {
            let character = characters[index]
            if character == "-", peek(1) == "-" {
                while index < characters.count, characters[index] != "\n" { index += 1 }
                continue
            }
            if character == "/", peek(1) == "*" {
                index += 2
                while index < characters.count, !(characters[index] == "*" && peek(1) == "/") { index += 1 }
                index += 2
                continue
            }
            if character == "'" || character == "\"" {
                meaningful = true
                take(1)
                while index < characters.count {
                    if characters[index] == character {
                        if peek(1) == character {
                            take(2)
                            continue
                        }
                        take(1)
                        break
                    }
                    take(1)
                }
                continue
            }
            if character == "$", let tag = dollarTag(characters, at: index) {
                meaningful = true
                take(tag.count)
                while index < characters.count {
                    if characters[index] == "$",
                        String(characters[index..<min(index + tag.count, characters.count)]) == tag
                    {
                        take(tag.count)
                        break
                    }
                    take(1)
                }
                continue
            }
            if character == ";" {
                if meaningful { statements.append(current.trimmingCharacters(in: .whitespacesAndNewlines)) }
                current = ""
                meaningful = false
                index += 1
                continue
            }
            if !character.isWhitespace { meaningful = true }
            take(1)
        }
        if meaningful { statements.append(current.trimmingCharacters(in: .whitespacesAndNewlines)) }
        return statements
    }

    /// `$$` or `$tag$` starting at `index`, or nil when the `$` starts something else (a parameter like `$1`).
    private static func dollarTag(_ characters: [Character], at index: Int) -> String? {
        var end = index + 1
        while end < characters.count,
            characters[end] == "_" || characters[end].isLetter
                || (end > index + 1 && characters[end].isNumber)
        {
            end += 1
        }
        guard end < characters.count, characters[end] == "$" else { return nil }
        return String(characters[index...end])
    }
}

extension PostgresInventory {
    /// The migration ids this binary knows, in the order they apply (the stems of migrations/postgresql/).
    public static var knownMigrations: [String] { PostgresMigrations.all.map(\.id) }

    /// The id of the last applied migration, e.g. `0001_create_inventory`.
    public var schemaVersion: String {
        get async throws {
            try await appliedMigrations().last ?? ""
        }
    }

    func appliedMigrations() async throws -> [String] {
        let rows = try await rows(
            "reading applied migrations",
            "SELECT identifier FROM schema_migrations ORDER BY identifier")
        return try rows.map { try $0.decode(String.self) }
    }

    /// Refuses, before reading anything else, a database whose migrations differ from this binary's.
    func requireCurrentSchema() async throws {
        let known = Self.knownMigrations
        let tableExists = try await rows(
            "reading applied migrations", "SELECT to_regclass('schema_migrations') IS NOT NULL"
        ).first?.decode(Bool.self)
        let applied = tableExists == true ? try await appliedMigrations() : []
        if let unknown = applied.last(where: { !known.contains($0) }) {
            throw PostgresInventoryError.schemaTooNew(location: location, migration: unknown)
        }
        let pending = known.filter { !applied.contains($0) }
        if !pending.isEmpty { throw PostgresInventoryError.schemaOutdated(location: location, pending: pending) }
    }

    /// Applies pending migrations in order, one transaction each, recording each id in the same transaction.
    /// Refuses a database that has a migration this binary does not know, before changing anything. Processes
    /// opening the database at once take turns (an advisory lock); the second finds the work done.
    func migrate() async throws {
        let known = Self.knownMigrations
        // Only a new database needs the table created: a role with no CREATE right on the schema (a rotator
        // that only reads and writes rows, docs/deployment.md) opens a migrated database without trying.
        let tableExists = try await rows(
            "reading applied migrations", "SELECT to_regclass('schema_migrations') IS NOT NULL"
        ).first?.decode(Bool.self)
        if tableExists != true {
            try await write("creating the migrations table") { connection in
                try await connection.query(
                    "SELECT pg_advisory_xact_lock(\(PostgresMigrations.lockKey))", logger: logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        identifier TEXT PRIMARY KEY, applied TIMESTAMPTZ NOT NULL DEFAULT now())
                    """, logger: logger)
            }
        }
        let applied = try await appliedMigrations()
        if let unknown = applied.last(where: { !known.contains($0) }) {
            throw PostgresInventoryError.schemaTooNew(location: location, migration: unknown)
        }
        for migration in PostgresMigrations.all where !applied.contains(migration.id) {
            try await write("applying migration \(migration.id)") { connection in
                try await connection.query(
                    "SELECT pg_advisory_xact_lock(\(PostgresMigrations.lockKey))", logger: logger)
                let done = try await connection.rows(
                    "SELECT 1 FROM schema_migrations WHERE identifier = \(migration.id)", logger: logger)
                guard done.isEmpty else { return }
                for statement in PostgresMigrations.statements(String(decoding: migration.sql, as: UTF8.self)) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (identifier) VALUES (\(migration.id))", logger: logger)
            }
        }
    }
}
