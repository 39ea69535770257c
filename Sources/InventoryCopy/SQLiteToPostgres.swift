import Foundation
import GRDB
import InventoryStore
import PostgresInventory

/// `inventory copy --to postgresql://…` (SPEC §8.11): every row of an SQLite inventory, history included, into an
/// empty PostgreSQL inventory, ids kept. The SQLite file is only read (opened read-only, never migrated): it must
/// be at the schema this binary knows (`token-rotator migrate` brings an older one there).
public enum SQLiteToPostgres {
    /// What was copied, table by table.
    public struct Counts: Sendable, Equatable {
        public var tokens = 0
        public var runs = 0
        public var rotations = 0
        public var events = 0

        public init(tokens: Int = 0, runs: Int = 0, rotations: Int = 0, events: Int = 0) {
            self.tokens = tokens
            self.runs = runs
            self.rotations = rotations
            self.events = events
        }
    }

    /// Everything that stops a copy before it starts.
    public enum CopyError: Error, Equatable, CustomStringConvertible {
        case cannotRead(path: String, detail: String)
        case schemaMismatch(path: String, found: [String], expected: [String])

        public var description: String {
            switch self {
            case .cannotRead(let path, let detail):
                "inventory \(path): cannot read it (\(detail)); nothing was copied"
            case .schemaMismatch(let path, let found, let expected):
                "inventory \(path): its schema (\(found.last ?? "none")) is not this token-rotator's "
                    + "(\(expected.last ?? "none")); run `token-rotator migrate` with the matching version first; "
                    + "nothing was copied"
            }
        }
    }

    /// Rows read from SQLite per batch.
    static let batchSize = 2_000

    /// Copies the SQLite inventory at `path` into `target`, in one PostgreSQL transaction.
    @discardableResult
    public static func copy(sqlitePath path: String, to target: PostgresInventory) async throws -> Counts {
        var configuration = Configuration()
        configuration.readonly = true
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            let applied = try await queue.read { db in
                try db.tableExists("grdb_migrations")
                    ? try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier") : []
            }
            guard applied == Inventory.knownMigrations else {
                throw CopyError.schemaMismatch(path: path, found: applied, expected: Inventory.knownMigrations)
            }
        } catch let error as DatabaseError {
            throw CopyError.cannotRead(path: path, detail: error.message ?? "\(error)")
        }
        defer { try? queue.close() }

        var counts = Counts()
        try await target.copyIn { insert in
            for table in PostgresInventory.CopiedTable.allCases {
                let copied = try await copyTable(table, from: queue, insert)
                switch table {
                case .tokens: counts.tokens = copied
                case .runs: counts.runs = copied
                case .rotations: counts.rotations = copied
                case .events: counts.events = copied
                }
            }
        }
        return counts
    }

    /// Copies one table in batches of ``batchSize`` rows, by id; returns how many rows.
    private static func copyTable(
        _ table: PostgresInventory.CopiedTable, from queue: DatabaseQueue,
        _ insert: (PostgresInventory.CopiedTable, [[PostgresInventory.CopiedValue]]) async throws -> Void
    ) async throws -> Int {
        let columns = table.columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let sql = "SELECT \(columns) FROM \(table.rawValue) WHERE id > ? ORDER BY id LIMIT \(batchSize)"
        var copied = 0
        var lastID = Int64.min
        while true {
            let after = lastID
            let rows: [Row] = try queue.read { db in try Row.fetchAll(db, sql: sql, arguments: [after]) }
            guard let last = rows.last else { return copied }
            try await insert(table, rows.map { row in row.databaseValues.map(copiedValue) })
            copied += rows.count
            lastID = last["id"]
        }
    }

    private static func copiedValue(_ value: DatabaseValue) -> PostgresInventory.CopiedValue {
        switch value.storage {
        case .null: .null
        case .int64(let number): .integer(number)
        case .double(let number): .text(String(number))
        case .string(let text): .text(text)
        case .blob(let data): .text(String(decoding: data, as: UTF8.self))
        }
    }
}
