import Foundation
import RotatorCore

/// Everything that can go wrong with the inventory database or its run lock. Each message says what failed,
/// which file, and what to do next. No message ever contains a token value (the inventory never holds one).
public enum InventoryError: Error, Equatable, CustomStringConvertible {
    /// The folder that should hold the database (or its lock file) does not exist.
    case folderMissing(path: String, folder: String)
    /// The file exists but is not an SQLite database, or is damaged.
    case notADatabase(path: String, detail: String)
    /// The database file cannot be written.
    case readOnlyFile(path: String)
    /// The folder holding the database cannot be written (SQLite needs it for its -wal and -shm files).
    case readOnlyFolder(path: String, folder: String)
    /// The file could not be created or opened for another reason (permissions, a folder in the way, …).
    case cannotOpen(path: String, detail: String)
    /// Another process kept the database busy for longer than the busy timeout.
    case busy(path: String)
    /// Another run holds the inventory's run lock (SPEC §4.5, exit code 3).
    case locked(lockPath: String, by: Int32?)
    /// A read-only command found no inventory at this path (read-only commands never create one).
    case missing(path: String)
    /// A read-only command found an inventory that lacks migrations this binary knows (they never migrate).
    case schemaOutdated(path: String, pending: [String])
    /// The database was migrated by a newer token-rotator: it has a migration this binary does not know.
    case schemaTooNew(path: String, migration: String)
    /// A token with this uuid is already in the inventory.
    case duplicateUUID(path: String, uuid: String, existing: String)
    /// An imported token's uuid is already in the inventory (nothing was imported).
    case importedUUIDExists(path: String, source: String?, line: Int, uuid: String, existing: String)
    /// An imported token's uuid is on an earlier line of the same import (nothing was imported).
    case importedUUIDRepeated(source: String?, line: Int, uuid: String, firstLine: Int)
    /// No token with this uuid is in the inventory.
    case unknownUUID(path: String, uuid: String)
    /// No rotation journal row with this id.
    case unknownRotation(path: String, id: Int64)
    /// No run with this id.
    case unknownRun(path: String, id: Int64)
    /// A stored timestamp is not in the canonical `YYYY-MM-DDTHH:MM:SS.SSSZ` form (a hand edit gone wrong).
    case invalidStoredValue(path: String, table: String, column: String, value: String)
    /// Any other SQLite failure.
    case database(path: String, operation: String, message: String)

    public var description: String {
        switch self {
        case .folderMissing(let path, let folder):
            return "inventory \(path): the folder \(folder) does not exist; create it (mode 0700) or pass another --db"
        case .notADatabase(let path, let detail):
            return "inventory \(path): the file is not an SQLite database or is damaged (\(detail)); "
                + "restore it from a backup, or move it aside to start a new inventory"
        case .readOnlyFile(let path):
            return "inventory \(path): the file is read-only for this user; "
                + "run token-rotator as the file's owner or fix its permissions (chmod 600)"
        case .readOnlyFolder(let path, let folder):
            return "inventory \(path): the folder \(folder) is not writable for this user (SQLite keeps its -wal and "
                + "-shm files beside the database); run as the folder's owner or fix its permissions"
        case .cannotOpen(let path, let detail):
            return "inventory \(path): cannot open the database (\(detail)); check the path and its permissions"
        case .busy(let path):
            return "inventory \(path): the database stayed locked by another process for longer than the busy "
                + "timeout; retry when the other token-rotator (or sqlite3 shell) has finished"
        case .locked(let lockPath, let pid):
            let holder = pid.map { "process \($0)" } ?? "another process"
            return "inventory lock \(lockPath) is held by \(holder): another token-rotator run is using this "
                + "inventory; wait for it to finish (a crashed run releases the lock by itself)"
        case .missing(let path):
            return "inventory \(path) does not exist; this command only reads an inventory and never creates one: "
                + "check --db (or $TOKEN_ROTATOR_DB), or create it with `token-rotator migrate --db \(path)`"
        case .schemaOutdated(let path, let pending):
            return "inventory \(path): its schema is older than this token-rotator (pending: "
                + "\(pending.joined(separator: ", "))); this command only reads and never migrates: run "
                + "`token-rotator migrate --db \(path)` as the inventory's owner first"
        case .schemaTooNew(let path, let migration):
            return "inventory \(path): database schema is newer than this token-rotator: it has migration "
                + "\(migration); upgrade token-rotator"
        case .duplicateUUID(let path, let uuid, let existing):
            return "inventory \(path): a token with uuid \(uuid) is already registered (\(existing)); "
                + "nothing was changed"
        case .importedUUIDExists(let path, let source, let line, let uuid, let existing):
            let location = source.map { "\($0):\(line)" } ?? "line \(line)"
            return "\(location): token uuid \(uuid) is already in the inventory \(path) (\(existing)); "
                + "nothing was imported: remove that line (or the inventory row) and import again"
        case .importedUUIDRepeated(let source, let line, let uuid, let firstLine):
            return InventoryImportError.repeatedUUID(file: source, line: line, uuid: uuid, firstLine: firstLine)
        case .unknownUUID(let path, let uuid):
            return "inventory \(path): no token with uuid \(uuid); `token-rotator inventory list --all` shows "
                + "the known tokens"
        case .unknownRotation(let path, let id):
            return "inventory \(path): no rotation with id \(id) in the journal"
        case .unknownRun(let path, let id):
            return "inventory \(path): no run with id \(id)"
        case .invalidStoredValue(let path, let table, let column, let value):
            return "inventory \(path): \(table).\(column) holds \"\(value)\", not a timestamp of the form "
                + "YYYY-MM-DDTHH:MM:SS.SSSZ; correct the row (strftime('%Y-%m-%dT%H:%M:%fZ', …))"
        case .database(let path, let operation, let message):
            return "inventory \(path): \(operation) failed: \(message)"
        }
    }
}
