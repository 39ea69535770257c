import Foundation
import PostgresNIO
import RotatorCore

/// Everything that can go wrong with a PostgreSQL inventory. Each message names the database (its URL without any
/// password), what failed, and what to do next. No message ever contains a password or a token value.
public enum PostgresInventoryError: Error, Equatable, CustomStringConvertible {
    /// The `postgresql://` URL cannot be used as it is written.
    case invalidURL(url: String, reason: String)
    /// A TLS file named in the URL (`sslrootcert`, `sslcert`, `sslkey`) cannot be read.
    case tlsFile(url: String, key: String, path: String, detail: String)
    /// The server could not be reached or refused the connection (address, TLS, authentication).
    case unreachable(location: String, detail: String)
    /// A read-only command found migrations pending (or no schema at all) and applies none itself.
    case schemaOutdated(location: String, pending: [String])
    /// The database was migrated by a newer token-rotator: it has a migration this binary does not know.
    case schemaTooNew(location: String, migration: String)
    /// A token with this uuid is already in the inventory.
    case duplicateUUID(location: String, uuid: String, existing: String)
    /// An imported token's uuid is already in the inventory (nothing was imported).
    case importedUUIDExists(location: String, source: String?, line: Int, uuid: String, existing: String)
    /// An imported token's uuid is on an earlier line of the same 1,000-row chunk (nothing was imported); a
    /// repeat across chunks is an ``importedUUIDExists(location:source:line:uuid:existing:)``, whose line the
    /// command finds by reading the file again.
    case importedUUIDRepeated(source: String?, line: Int, uuid: String, firstLine: Int)
    /// No token with this uuid is in the inventory.
    case unknownUUID(location: String, uuid: String)
    /// No rotation journal row with this id.
    case unknownRotation(location: String, id: Int64)
    /// No run with this id.
    case unknownRun(location: String, id: Int64)
    /// Any other failure reported by the server.
    case database(location: String, operation: String, message: String)

    public var description: String {
        switch self {
        case .invalidURL(let url, let reason):
            return "database URL \(url): \(reason)"
        case .tlsFile(let url, let key, let path, let detail):
            return "database URL \(url): \(key)=\(path) cannot be read (\(detail)); check the path and its permissions"
        case .unreachable(let location, let detail):
            return "inventory \(location): cannot connect (\(detail)); check the host, port, sslmode, the role's "
                + "password (PGPASSWORD or ~/.pgpass) and the server's pg_hba.conf"
        case .schemaOutdated(let location, let pending):
            return "inventory \(location): its schema is older than this token-rotator (pending: "
                + "\(pending.joined(separator: ", "))); this command only reads and never migrates: run "
                + "`token-rotator migrate` with this --db first"
        case .schemaTooNew(let location, let migration):
            return "inventory \(location): database schema is newer than this token-rotator: it has migration "
                + "\(migration); upgrade token-rotator"
        case .duplicateUUID(let location, let uuid, let existing):
            return "inventory \(location): a token with uuid \(uuid) is already registered (\(existing)); "
                + "nothing was changed"
        case .importedUUIDExists(let location, let source, let line, let uuid, let existing):
            let place = source.map { "\($0):\(line)" } ?? "line \(line)"
            return "\(place): token uuid \(uuid) is already in the inventory \(location) (\(existing)); "
                + "nothing was imported: remove that line (or the inventory row) and import again"
        case .importedUUIDRepeated(let source, let line, let uuid, let firstLine):
            return InventoryImportError.repeatedUUID(file: source, line: line, uuid: uuid, firstLine: firstLine)
        case .unknownUUID(let location, let uuid):
            return "inventory \(location): no token with uuid \(uuid); `token-rotator inventory list --all` shows "
                + "the known tokens"
        case .unknownRotation(let location, let id):
            return "inventory \(location): no rotation with id \(id) in the journal"
        case .unknownRun(let location, let id):
            return "inventory \(location): no run with id \(id)"
        case .database(let location, let operation, let message):
            return "inventory \(location): \(operation) failed: \(message)"
        }
    }
}

extension PostgresInventoryError {
    /// Describes a postgres-nio failure in words, without the query's bound values.
    init(_ error: PSQLError, location: String, operation: String) {
        if let info = error.serverInfo {
            let state = info[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            let detail = info[.detail].map { ": \($0)" } ?? ""
            self = .database(
                location: location, operation: operation,
                message: (info[.message] ?? "the server reported an error") + detail + state)
            return
        }
        switch error.code {
        case .connectionError, .sslUnsupported, .failedToAddSSLHandler, .unsupportedAuthMechanism,
            .authMechanismRequiresPassword, .saslError, .serverClosedConnection, .uncleanShutdown:
            let underlying = error.underlying.map { ": \($0)" } ?? ""
            self = .unreachable(location: location, detail: "\(error.code)\(underlying)")
        default:
            let underlying = error.underlying.map { ": \($0)" } ?? ""
            self = .database(location: location, operation: operation, message: "\(error.code)\(underlying)")
        }
    }
}

extension PSQLError {
    /// The SQLSTATE the server reported, e.g. `23505` for a unique violation.
    var sqlState: String? { serverInfo?[.sqlState] }
    /// The constraint a violation names.
    var constraintName: String? { serverInfo?[.constraintName] }
}

extension PostgresInventoryError: ImportConflict {
    public var importConflict: (line: Int, uuid: String)? {
        if case .importedUUIDExists(_, _, let line, let uuid, _) = self { return (line, uuid) }
        return nil
    }
}
