import Foundation
import GRDB

extension Inventory {
    /// The migration ids this binary knows, in the order they apply (the stems of the files in `migrations/`).
    public static var knownMigrations: [String] { EmbeddedMigrations.all.map(\.id) }

    /// The id of the last applied migration, e.g. `0001_create_inventory`.
    public var schemaVersion: String {
        get throws {
            try read("reading the schema version") { db in
                try EmbeddedMigrations.migrator.appliedMigrations(db).last ?? ""
            }
        }
    }

    /// Applies pending migrations in order, one transaction each. Refuses a database that has a migration this
    /// binary does not know, before changing anything.
    func migrate() throws {
        let migrator = EmbeddedMigrations.migrator
        try refuseNewerSchema()
        do {
            try migrator.migrate(queue)
        } catch {
            // Another process may have applied the same migration at the same moment: that is fine.
            let pending = try? read("checking migrations") { db in try !migrator.hasCompletedMigrations(db) }
            if pending == false { return }
            guard let error = error as? DatabaseError else { throw error }
            throw InventoryError(error, path: path, operation: "migrating the database")
        }
    }

    private func refuseNewerSchema() throws {
        let known = Set(Self.knownMigrations)
        if let unknown = try appliedMigrations().last(where: { !known.contains($0) }) {
            throw InventoryError.schemaTooNew(path: path, migration: unknown)
        }
    }

    /// The ids recorded in `grdb_migrations`, in order; none for a new (or empty) file.
    func appliedMigrations() throws -> [String] {
        try read("reading applied migrations") { db -> [String] in
            guard try db.tableExists("grdb_migrations") else { return [] }
            return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
        }
    }
}
