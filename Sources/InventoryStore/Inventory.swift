import Foundation
import GRDB
import RotatorCore

/// The SQLite inventory: managed tokens, the rotation journal, runs and the append-only event log (SPEC §4, §5).
///
/// Every change that touches several rows runs in one `BEGIN IMMEDIATE` transaction and is durably committed
/// (`synchronous = FULL`) before the method returns, so a caller may perform its next side effect right after
/// (inside ``inOneTransaction(_:)``, when that call returns). Instants are stored at millisecond precision.
///
/// Methods are synchronous and thread-safe; they must not be called from inside a `forEachToken` body.
public final class Inventory: Sendable {
    /// The database file, or `:memory:`.
    public let path: String
    let queue: DatabaseQueue

    /// How long a statement waits, by default, for another process's write lock before failing with
    /// ``InventoryError/busy(path:)``.
    public static let defaultBusyTimeout: TimeInterval = 5

    init(path: String, queue: DatabaseQueue) {
        self.path = path
        self.queue = queue
    }

    /// Opens (creating it with mode 0600 if needed) and migrates the inventory at `path`.
    ///
    /// Refuses a database migrated by a newer token-rotator before changing anything. `busyTimeout` is how long a
    /// statement waits for another process's write lock. The database and its `-wal` and `-shm` files are
    /// tightened to owner-only; `warn` hears about each one that was looser.
    public static func open(
        path: String, busyTimeout: TimeInterval = defaultBusyTimeout, warn: (String) -> Void = { _ in }
    ) throws -> Inventory {
        let file = DatabaseFile(path: path)
        try file.createIfMissing()
        try file.checkWritable()
        file.tightenModes().forEach(warn)
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration(busyTimeout: busyTimeout))
        } catch let error as DatabaseError {
            throw InventoryError(error, path: path, operation: "opening the database")
        }
        let inventory = Inventory(path: path, queue: queue)
        try inventory.requireFullSync()
        try inventory.migrate()
        // Companion files SQLite just created follow the (now tight) database mode; older ones were handled above.
        file.tightenModes().forEach(warn)
        return inventory
    }

    /// A fresh, migrated inventory that lives in memory (tests, `demo`).
    public static func inMemory() throws -> Inventory {
        let memoryPath = ":memory:"
        do {
            let queue = try DatabaseQueue(configuration: configuration(busyTimeout: defaultBusyTimeout))
            let inventory = Inventory(path: memoryPath, queue: queue)
            try inventory.migrate()
            return inventory
        } catch let error as DatabaseError {
            throw InventoryError(error, path: memoryPath, operation: "creating an in-memory database")
        }
    }

    /// Closes the database. Later calls fail.
    public func close() throws {
        do {
            try queue.close()
        } catch let error as DatabaseError {
            throw InventoryError(error, path: path, operation: "closing the database")
        }
    }

    private static func configuration(busyTimeout: TimeInterval) -> Configuration {
        _ = SQLiteProcessSettings.applied
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "token-rotator.inventory"
        return configuration
    }

    /// Each journal step must survive a power loss before the next side effect (SPEC §4). GRDB sets
    /// `synchronous = NORMAL` when it turns WAL on, which can lose the last commits on power loss; this undoes it.
    private func requireFullSync() throws {
        do {
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        } catch let error as DatabaseError {
            throw InventoryError(error, path: path, operation: "configuring the database")
        }
    }

    // MARK: - Transactions

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction: it takes the write lock first, so it waits for other
    /// writers (up to the busy timeout) instead of failing halfway. Inside ``inOneTransaction(_:)`` it joins
    /// that transaction instead. Errors thrown by `body` pass through; `operation` names a database failure.
    func write<T>(_ operation: @autoclosure () -> String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.unsafeReentrantWrite { db in
                // Every write of this class commits before returning, so an open transaction here is always
                // the one of an enclosing inOneTransaction.
                if db.isInsideTransaction { return try body(db) }
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else {
                    throw InventoryError.database(path: path, operation: operation(), message: "no result")
                }
                return result
            }
        } catch let error as DatabaseError {
            throw InventoryError(error, path: path, operation: operation())
        }
    }

    /// Runs `body`, whose inventory writes all join one transaction: one commit and one flush for all of them,
    /// all or nothing. The rotation engine commits the journal steps of concurrent rotations this way.
    public func inOneTransaction<T>(_ body: () throws -> T) throws -> T {
        try write("committing several changes together") { _ in try body() }
    }

    /// Runs `body` in one read transaction (a consistent snapshot). Errors thrown by `body` pass through.
    func read<T>(_ operation: @autoclosure () -> String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.read(body)
        } catch let error as DatabaseError {
            throw InventoryError(error, path: path, operation: operation())
        }
    }
}
