import Foundation
import Logging
import PostgresNIO
import RotatorCore

/// The inventory in PostgreSQL (SPEC §8.11): the same tokens, rotation journal, runs and append-only event log as
/// the SQLite `Inventory`, shared by any number of rotators, which divide the due tokens through claims.
///
/// Every change that touches several rows runs in one transaction, committed (with `synchronous_commit = on`)
/// before the method returns, so a caller may perform its next side effect right after (SPEC §4). Instants are
/// stored as `timestamptz` at millisecond precision. Connections come from a small pool; the methods may be called
/// concurrently. Call ``close()`` when done.
public final class PostgresInventory: Sendable {
    /// The database, as messages show it (never a password).
    public let location: String
    let client: PostgresClient
    let logger: Logger
    private let runTask: Task<Void, Never>

    /// How many connections one process opens at most, by default. Journal writes are short transactions; a few
    /// connections serve a rotate run's concurrent rotations, and many processes fit the server's
    /// `max_connections` (100 by default).
    public static let defaultMaximumConnections = 8

    private init(location: String, client: PostgresClient, logger: Logger) {
        self.location = location
        self.client = client
        self.logger = logger
        runTask = Task { await client.run() }
    }

    /// Connects to the database at `url`, checks it is reachable, and migrates it (creating the schema in an empty
    /// database). Refuses a database migrated by a newer token-rotator before changing anything. With `migrating`
    /// false (the read-only commands, SPEC §8.2) it applies nothing and refuses a schema that is not current.
    public static func open(
        url: PostgresConnectionURL, environment: [String: String] = ProcessInfo.processInfo.environment,
        maximumConnections: Int = defaultMaximumConnections, migrating: Bool = true, logger: Logger? = nil
    ) async throws -> PostgresInventory {
        let configuration = try url.clientConfiguration(
            environment: environment, maximumConnections: maximumConnections)
        let logger = logger ?? Logger(label: "token-rotator.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        try await probe(url, environment: environment, logger: logger)
        let inventory = PostgresInventory(
            location: url.description, client: PostgresClient(configuration: configuration, backgroundLogger: logger),
            logger: logger)
        do {
            if migrating { try await inventory.migrate() } else { try await inventory.requireCurrentSchema() }
        } catch {
            await inventory.close()
            throw error
        }
        return inventory
    }

    /// Opens and closes one connection: an unreachable server, a TLS or authentication failure, or a missing
    /// database fails here at once, in words (the pool would retry for a minute, then say little).
    private static func probe(
        _ url: PostgresConnectionURL, environment: [String: String], logger: Logger
    ) async throws {
        let configuration = try url.connectionConfiguration(environment: environment)
        do {
            let connection = try await PostgresConnection.connect(
                configuration: configuration, id: 0, logger: logger)
            try await connection.close()
        } catch let error as PSQLError {
            let detail =
                error.serverInfo.map { info in
                    (info[.message] ?? "refused") + (info[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
                } ?? "\(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
            throw PostgresInventoryError.unreachable(location: url.description, detail: detail)
        } catch let error as PostgresInventoryError {
            throw error
        } catch {
            throw PostgresInventoryError.unreachable(location: url.description, detail: "\(error)")
        }
    }

    /// Parses `url` (`postgresql://…`) and opens it.
    public static func open(
        url text: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        maximumConnections: Int = defaultMaximumConnections, migrating: Bool = true, logger: Logger? = nil
    ) async throws -> PostgresInventory {
        try await open(
            url: PostgresConnectionURL(parsing: text, environment: environment), environment: environment,
            maximumConnections: maximumConnections, migrating: migrating, logger: logger)
    }

    /// Closes the connections. Later calls fail.
    public func close() async {
        runTask.cancel()
        await runTask.value
    }

    // MARK: - Queries and transactions

    /// Runs `body` in one transaction on one connection, committed before this returns. Errors thrown by `body`
    /// pass through (after a rollback); a database failure is described with `operation`.
    @discardableResult
    func write<T: Sendable>(
        _ operation: String, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await described(operation) {
            try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                do {
                    let value = try await body(connection)
                    try await connection.query("COMMIT", logger: logger)
                    return value
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        }
    }

    /// Runs one statement (by itself a transaction) and returns its rows.
    func rows(_ operation: String, _ query: PostgresQuery) async throws -> [PostgresRow] {
        try await described(operation) { try await client.query(query, logger: logger).collect() }
    }

    /// Runs one statement and hands each row to `body` as it arrives, in bounded memory.
    func forEachRow(
        _ operation: String, _ query: PostgresQuery, _ body: (PostgresRow) throws -> Bool
    ) async throws {
        try await withoutActuallyEscaping(body) { body in
            // The rows are handed to `body` on the event loop that reads them: no task hop per row (the row
            // sequence's `next()` is `@concurrent`). This task waits for the last one meanwhile, so `body` never
            // runs at the same time as its caller. `body` must be quick and must not wait for that event loop.
            let handler = RowHandler(body: body)
            // postgres-nio may keep its row closure after the query ends: `body` must not outlive this call.
            defer { handler.release() }
            try await described(operation) {
                try await client.withConnection { connection in
                    do {
                        _ = try await connection.query(query, logger: logger) { row in try handler.handle(row) }.get()
                    } catch {
                        // postgres-nio reports a stream stopped from the handler as a cancelled query.
                        if let failure = handler.failure { throw failure }
                        guard handler.stopped else { throw error }
                    }
                }
            }
        }
    }

    /// Turns postgres-nio's errors into ``PostgresInventoryError``s naming `operation`; others pass through.
    func described<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PSQLError {
            throw PostgresInventoryError(error, location: location, operation: operation)
        }
    }
}

extension PostgresConnection {
    /// Runs one statement on this connection and returns its rows.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await self.query(query, logger: logger).collect()
    }

    /// Runs one `… RETURNING 1` statement and returns how many rows it changed.
    func changes(_ query: PostgresQuery, logger: Logger) async throws -> Int {
        try await self.query(query, logger: logger).collect().count
    }
}

/// `body` handed to the event loop that reads the rows: it runs there, one row at a time, while the task that
/// called ``PostgresInventory/forEachRow(_:_:_:)`` waits for the query's future, so never concurrently with it.
/// The lock orders `stopped` and `failure` before that task reads them and makes ``release()`` final.
private final class RowHandler: @unchecked Sendable {
    private let lock = NSLock()
    private var body: ((PostgresRow) throws -> Bool)?
    /// Whether `body` asked to stop (returned false).
    private var wasStopped = false
    /// What `body` threw, which the caller gets instead of the cancelled query it leads to.
    private var thrown: (any Error)?

    init(body: @escaping (PostgresRow) throws -> Bool) {
        self.body = body
    }

    var stopped: Bool { lock.withLock { wasStopped } }
    var failure: (any Error)? { lock.withLock { thrown } }

    func handle(_ row: PostgresRow) throws {
        try lock.withLock {
            guard let body else { throw StopReading() }
            let goOn: Bool
            do { goOn = try body(row) } catch {
                thrown = error
                throw error
            }
            guard goOn else {
                wasStopped = true
                throw StopReading()
            }
        }
    }

    /// Drops `body`: rows that still arrive stop the stream without reaching it.
    func release() {
        lock.withLock { body = nil }
    }
}

/// Thrown from a row handler to stop reading early.
private struct StopReading: Error {}
