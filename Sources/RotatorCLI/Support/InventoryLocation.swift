import Foundation
import InventoryStore
import Logging
import PostgresInventory
import RotatorCore

/// Where `--db` (or `$TOKEN_ROTATOR_DB`) points: an SQLite file, the embedded default, or a PostgreSQL database
/// (`postgresql://…`) that several rotators share (SPEC §8.11). Every command opens its inventory here and nowhere
/// else, so each one works the same over either.
enum InventoryLocation: Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    init(_ text: String) {
        self = PostgresConnectionURL.isPostgresURL(text) ? .postgres(url: text) : .sqlite(path: text)
    }

    /// Opens the inventory for a command that writes it: an SQLite file is created (mode 0600) if missing; either
    /// is migrated. `warn` hears about database files that were more open than 0600.
    func openForWriting(_ env: CommandEnvironment) async throws -> any InventoryDatabase {
        switch self {
        case .sqlite(let path):
            return try Inventory.open(path: path) { env.logger.warning("\($0)") }
        case .postgres(let url):
            return try await PostgresInventory.open(url: url, environment: env.variables)
        }
    }

    /// Opens an existing inventory for a read-only command (SPEC §8.2): never created, migrated or locked; exit 2
    /// naming it and `migrate` when it is missing or its schema is older than this binary.
    func openReadOnly(_ env: CommandEnvironment) async throws -> any InventoryDatabase {
        switch self {
        case .sqlite(let path):
            return try Inventory.openReadOnly(path: path)
        case .postgres(let url):
            return try await PostgresInventory.open(
                url: url, environment: env.variables, maximumConnections: 2, migrating: false)
        }
    }

    /// The run lock of a command that changes tokens (exit 3 when another run holds it). A shared PostgreSQL
    /// inventory has none: its rotators divide the tokens through claims.
    func acquireRunLock() throws -> InventoryLock? {
        switch self {
        case .sqlite(let path): try InventoryLock.acquire(forDatabaseAt: path)
        case .postgres: nil
        }
    }
}

extension InventoryDatabase {
    /// Runs `body` with this inventory and closes it afterwards, whether or not `body` throws.
    func closing<T>(_ body: (any InventoryDatabase) async throws -> T) async throws -> T {
        do {
            let value = try await body(self)
            try await close()
            return value
        } catch {
            try? await close()
            throw error
        }
    }
}
