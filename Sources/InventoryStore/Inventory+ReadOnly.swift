import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension Inventory {
    /// How ``openReadOnly(path:)`` asked SQLite to open the file.
    public enum ReadOnlyMode: String, Sendable {
        /// `?immutable=1`: no -wal file exists, so no process has the database open in WAL mode and the main file
        /// holds every committed row. SQLite then reads it without locks and without creating -wal or -shm files,
        /// which works in a folder this user may only read.
        case immutable
        /// `?mode=ro`: a -wal file exists (a run is writing, or one crashed): SQLite reads the committed rows of
        /// the WAL through the existing -shm file, which must be readable by this user.
        case readOnly = "ro"
    }

    /// Opens an existing inventory for reading only (SPEC §8.2): creates no file (not the database, not its -wal
    /// or -shm), applies no migration and takes no lock, so it works for a user who may only read the database
    /// file and its folder.
    ///
    /// Throws ``InventoryError/missing(path:)`` when there is no file, ``InventoryError/schemaOutdated(path:pending:)``
    /// when migrations are pending and ``InventoryError/schemaTooNew(path:migration:)`` when the file was migrated
    /// by a newer binary. See ``ReadOnlyMode`` for which SQLite mode is used when.
    public static func openReadOnly(path: String, busyTimeout: TimeInterval = defaultBusyTimeout) throws -> Inventory {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw InventoryError.missing(path: path)
        }
        if isFolder.boolValue { throw InventoryError.cannotOpen(path: path, detail: "it is a folder") }
        if access(path, R_OK) != 0 {
            throw InventoryError.cannotOpen(path: path, detail: "this user may not read it")
        }
        let mode = readOnlyMode(path: path)
        _ = SQLiteProcessSettings.applied
        var configuration = Configuration()
        configuration.readonly = true
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "token-rotator.inventory.read-only"
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: uri(path: path, mode: mode), configuration: configuration)
        } catch let error as DatabaseError {
            throw InventoryError(error, path: path, operation: "opening the database read-only")
        }
        let inventory = Inventory(path: path, queue: queue)
        try inventory.requireCurrentSchema()
        return inventory
    }

    /// `immutable` when no -wal file sits beside the database, else `ro` (see ``ReadOnlyMode``).
    public static func readOnlyMode(path: String) -> ReadOnlyMode {
        FileManager.default.fileExists(atPath: path + "-wal") ? .readOnly : .immutable
    }

    /// An SQLite URI filename (SQLite on Debian, Ubuntu and macOS is built with `SQLITE_USE_URI=1`).
    static func uri(path: String, mode: ReadOnlyMode) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let encoded = absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute
        return mode == .immutable ? "file:\(encoded)?immutable=1" : "file:\(encoded)?mode=ro"
    }

    /// Refuses, before reading anything else, an inventory whose migrations differ from this binary's.
    func requireCurrentSchema() throws {
        let known = Self.knownMigrations
        let applied = try appliedMigrations()
        let knownSet = Set(known)
        if let unknown = applied.last(where: { !knownSet.contains($0) }) {
            throw InventoryError.schemaTooNew(path: path, migration: unknown)
        }
        let appliedSet = Set(applied)
        let pending = known.filter { !appliedSet.contains($0) }
        if !pending.isEmpty { throw InventoryError.schemaOutdated(path: path, pending: pending) }
    }
}
