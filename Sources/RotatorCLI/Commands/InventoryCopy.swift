import ArgumentParser
import Foundation
import InventoryCopy
import InventoryStore
import PostgresInventory
import RotatorCore

extension RotatorCommand.InventoryCommand {
    struct Copy: EnvironmentCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy an SQLite inventory, history included, into an empty PostgreSQL inventory.",
            discussion: """
                Reads the SQLite inventory of --db (never changing it; it must be at this binary's schema: \
                `migrate` first) under its run lock, so no rotation runs meanwhile, and writes every token, run, \
                rotation and event, ids kept, into the PostgreSQL inventory of --to in one transaction: all or \
                nothing. The target is migrated first and must hold no token or history. Afterwards point every \
                rotator's --db (or $TOKEN_ROTATOR_DB) at the PostgreSQL URL.
                """)

        @OptionGroup var global: GlobalOptions
        @Option(
            help: ArgumentHelp(
                "The PostgreSQL inventory to fill (postgresql://USER@HOST/DB…, no password in it).", valueName: "url"))
        var to: String

        func validate() throws {
            guard PostgresConnectionURL.isPostgresURL(to) else {
                throw ValidationError("--to \(to) is not a postgresql:// URL")
            }
        }

        func run(_ env: CommandEnvironment) async throws -> ExitStatus {
            guard case .sqlite(let path) = global.inventoryLocation(env) else {
                throw ValidationError("--db must name the SQLite inventory to copy from, not a PostgreSQL one")
            }
            // Read-only checks first (a missing file or an older schema is exit 2 naming `migrate`), then the lock.
            try Inventory.openReadOnly(path: path).close()
            let lock = try InventoryLock.acquire(forDatabaseAt: path)
            defer { lock.release() }
            let target = try await PostgresInventory.open(url: to, environment: env.variables)
            let counts = try await target.closing { _ in try await SQLiteToPostgres.copy(sqlitePath: path, to: target) }
            env.stderr.write(
                "copied \(counts.tokens) tokens, \(counts.runs) runs, \(counts.rotations) rotations and "
                    + "\(counts.events) events from \(path) to \(target.location)\n")
            return .success
        }
    }
}
