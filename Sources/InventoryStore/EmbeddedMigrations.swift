import Foundation
import GRDB

/// The SQL files of `migrations/`, embedded in the binary (`Package.swift`, `.embedInCode`), in the order they apply.
/// A migration's id is its file stem; GRDB records applied ids in `grdb_migrations`.
enum EmbeddedMigrations {
    struct Migration {
        let id: String
        let sql: [UInt8]
    }

    // Append one line per new file in migrations/ (and one `.embedInCode` line in Package.swift). SwiftPM names
    // the accessor after the file, its leading digit replaced by `_`.
    static let all: [Migration] = [
        Migration(id: "0001_create_inventory", sql: PackageResources._001_create_inventory_sql),
        Migration(id: "0002_index_active_tokens_by_age", sql: PackageResources._002_index_active_tokens_by_age_sql),
        Migration(id: "0003_add_token_usage", sql: PackageResources._003_add_token_usage_sql),
    ]

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in all {
            let sql = String(decoding: migration.sql, as: UTF8.self)
            migrator.registerMigration(migration.id) { db in
                try db.execute(sql: sql)
            }
        }
        return migrator
    }
}
