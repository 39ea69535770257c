import Foundation
import PostgresNIO
import RotatorCore

extension PostgresInventory {
    // MARK: - Adding and forgetting

    /// Registers an existing token. Fails with ``PostgresInventoryError/duplicateUUID(location:uuid:existing:)``
    /// when the uuid is already known; then nothing changes. `events` are appended in the same transaction.
    public func add(_ token: InventoryToken, addedAt: Date = Date(), events: [InventoryEvent] = []) async throws {
        try await insertingNew {
            try await write("adding token \(token.uuid)") { connection in
                try await insert(token, addedAt: addedAt, connection)
                try await append(events, connection)
            }
        }
    }

    /// Registers many tokens, all or nothing, in one transaction. A uuid already in the inventory (or twice in the
    /// import) fails the whole import with an error naming its line in `source`.
    public func importTokens(
        _ tokens: [ImportedToken], source: String? = nil, addedAt: Date = Date(), events: [InventoryEvent] = [],
        progress: (@Sendable (Int) -> Void)? = nil
    ) async throws {
        var iterator = tokens.makeIterator()
        _ = try await importTokens(
            source: source, addedAt: addedAt, progress: progress, events: { _ in events },
            reading: { iterator.next() })
    }

    /// Registers the tokens `next` gives until nil, all or nothing, in one transaction, a chunk at a time (an
    /// import of any size in bounded memory). An error `next` throws aborts the import and passes through.
    public func importTokens(
        source: String?, addedAt: Date, progress: (@Sendable (Int) -> Void)?,
        events: (_ count: Int) -> [InventoryEvent], reading next: () throws -> ImportedToken?
    ) async throws -> Int {
        try await insertingNew {
            try await write("importing tokens") { connection in
                var count = 0
                var chunk: [ImportedToken] = []
                chunk.reserveCapacity(Self.importChunk)
                var ended = false
                while !ended {
                    chunk.removeAll(keepingCapacity: true)
                    while chunk.count < Self.importChunk, let imported = try next() { chunk.append(imported) }
                    ended = chunk.count < Self.importChunk
                    guard !chunk.isEmpty else { break }
                    progress?(count)
                    try await importChunk(chunk, source: source, addedAt: addedAt, connection)
                    count += chunk.count
                }
                progress?(count)
                try await append(events(count), connection)
                return count
            }
        }
    }

    /// One lookup and one insert per chunk. Rows of earlier chunks are already visible to the lookup (same
    /// transaction), so only duplicates within the chunk need remembering.
    private func importChunk(
        _ chunk: [ImportedToken], source: String?, addedAt: Date, _ connection: PostgresConnection
    ) async throws {
        let stored = try await identities(of: chunk.map { $0.record.uuid.lowercased() }, connection)
        var seen: [String: Int] = [:]
        for imported in chunk {
            let uuid = imported.record.uuid.lowercased()
            if let firstLine = seen[uuid] {
                throw PostgresInventoryError.importedUUIDRepeated(
                    source: source, line: imported.line, uuid: imported.record.uuid, firstLine: firstLine)
            }
            if let existing = stored[uuid] {
                throw PostgresInventoryError.importedUUIDExists(
                    location: location, source: source, line: imported.line, uuid: imported.record.uuid,
                    existing: existing)
            }
            seen[uuid] = imported.line
        }
        try await insert(chunk.map(\.record), addedAt: addedAt, connection)
    }

    /// Rows per statement in an import (12 parameters each, well under PostgreSQL's 65,535).
    static let importChunk = 1_000

    /// `controller/user/name` of the stored tokens among `uuids`, by uuid.
    private func identities(of uuids: [String], _ connection: PostgresConnection) async throws -> [String: String] {
        var identities: [String: String] = [:]
        let rows = try await connection.rows(
            #"SELECT uuid, controller, "user", name FROM tokens WHERE uuid = ANY(\#(uuids))"#, logger: logger)
        for row in rows {
            let (uuid, controller, user, name) = try row.decode((String, String, String, String).self)
            identities[uuid] = "\(controller)/\(user)/\(name)"
        }
        return identities
    }

    /// Forgets a token without revoking it. Fails with ``PostgresInventoryError/unknownUUID(location:uuid:)``.
    public func remove(uuid: String, events: [InventoryEvent] = []) async throws {
        try await write("removing token \(uuid)") { connection in
            let removed = try await connection.changes(
                "DELETE FROM tokens WHERE uuid = \(uuid.lowercased()) RETURNING 1", logger: logger)
            guard removed == 1 else { throw PostgresInventoryError.unknownUUID(location: location, uuid: uuid) }
            try await append(events, connection)
        }
    }

    // MARK: - Reading

    /// The token with this uuid (any case), or nil.
    public func token(uuid: String) async throws -> InventoryToken? {
        try await described("reading token \(uuid)") {
            try await client.withConnection { connection in try await token(uuid: uuid, connection) }
        }
    }

    /// All tokens (without revoked ones unless asked), ordered by controller, user, name, created.
    public func tokens(includeRevoked: Bool = false) async throws -> [InventoryToken] {
        var tokens: [InventoryToken] = []
        try await forEachToken(includeRevoked: includeRevoked) { tokens.append($0) }
        return tokens
    }

    /// Streams the tokens of ``tokens(includeRevoked:)`` one at a time, in bounded memory.
    public func forEachToken(includeRevoked: Bool = false, _ body: (InventoryToken) throws -> Void) async throws {
        let filter = includeRevoked ? "" : " WHERE state <> 'revoked'"
        let sql = InventoryToken.postgresColumns + filter + #" ORDER BY controller, "user", name, created, id"#
        try await forEachRow("listing tokens", PostgresQuery(unsafeSQL: sql)) { row in
            try body(InventoryToken(postgresRow: row, location: location))
            return true
        }
    }

    /// Streams the active tokens oldest first (by `created`) until `body` returns false.
    public func forEachActiveTokenOldestFirst(_ body: (InventoryToken) throws -> Bool) async throws {
        let sql = InventoryToken.postgresColumns + " WHERE state = 'active' ORDER BY created, id"
        try await forEachRow("listing active tokens by age", PostgresQuery(unsafeSQL: sql)) { row in
            try body(InventoryToken(postgresRow: row, location: location))
        }
    }

    /// Tokens of one identity (controller, user, name), oldest first, revoked ones included.
    public func tokens(controller: String, user: String, name: String) async throws -> [InventoryToken] {
        let sql =
            InventoryToken.postgresColumns + #" WHERE controller = $1 AND "user" = $2 AND name = $3"#
            + " ORDER BY created, id"
        var binds = PostgresBindings()
        binds.append(controller)
        binds.append(user)
        binds.append(name)
        return try await rows(
            "reading tokens of \(controller)/\(user)/\(name)", PostgresQuery(unsafeSQL: sql, binds: binds)
        )
        .map { try InventoryToken(postgresRow: $0, location: location) }
    }

    // MARK: - State changes of the rotation engine

    /// Records a completed rotation in one transaction: inserts `successor`, marks the old token retiring or
    /// revoked (with `replaced_by` and `last_rotated`), and, given `rotationID`, closes that journal row as
    /// `done` / `rotated` with the successor's uuid and fingerprint.
    public func recordRotated(
        oldUUID: String, successor: InventoryToken, oldState: RetiredTokenState, rotatedAt: Date,
        completing rotationID: Int64? = nil, note: String? = nil, events: [InventoryEvent] = []
    ) async throws {
        let state: TokenState
        let revokeAfter: Date?
        let revokedAt: Date?
        switch oldState {
        case .retiring(let deadline): (state, revokeAfter, revokedAt) = (.retiring, deadline, nil)
        case .revoked(let instant): (state, revokeAfter, revokedAt) = (.revoked, nil, instant)
        }
        try await insertingNew {
            try await write("recording the rotation of token \(oldUUID)") { connection in
                let changed = try await connection.changes(
                    """
                    UPDATE tokens SET state = \(state.rawValue), revoke_after = \(revokeAfter.instant),
                    revoked_at = \(revokedAt.instant), replaced_by = \(successor.uuid.lowercased()),
                    last_rotated = \(Instant(rotatedAt)) WHERE uuid = \(oldUUID.lowercased()) RETURNING 1
                    """, logger: logger)
                guard changed == 1 else { throw PostgresInventoryError.unknownUUID(location: location, uuid: oldUUID) }
                try await insert(successor, addedAt: rotatedAt, connection)
                if let rotationID {
                    try await complete(
                        rotationID: rotationID, newUUID: successor.uuid, fingerprint: successor.fingerprint,
                        at: rotatedAt, note: note, connection)
                }
                try await append(events, connection)
            }
        }
    }

    /// Records the token `issue` minted and closes its journal row as `done`, in one transaction.
    public func recordIssued(
        _ token: InventoryToken, completing entry: JournalEntry, at: Date, events: [InventoryEvent] = []
    ) async throws {
        try await insertingNew {
            try await write("recording the issued token \(token.uuid)") { connection in
                try await insert(token, addedAt: at, connection)
                if let id = entry.id {
                    try await complete(
                        rotationID: id, newUUID: token.uuid, fingerprint: token.fingerprint, at: at, note: nil,
                        connection)
                }
                try await append(events, connection)
            }
        }
    }

    /// Marks a token revoked at `at` (a retiring token after its grace, or `revoke --uuid`).
    public func markRevoked(uuid: String, at: Date, events: [InventoryEvent] = []) async throws {
        try await write("marking token \(uuid) revoked") { connection in
            let changed = try await connection.changes(
                """
                UPDATE tokens SET state = 'revoked', revoked_at = \(Instant(at)) WHERE uuid = \(uuid.lowercased())
                RETURNING 1
                """, logger: logger)
            guard changed == 1 else { throw PostgresInventoryError.unknownUUID(location: location, uuid: uuid) }
            try await append(events, connection)
        }
    }

    // MARK: - Within a transaction

    func token(uuid: String, _ connection: PostgresConnection) async throws -> InventoryToken? {
        let sql = InventoryToken.postgresColumns + " WHERE uuid = $1"
        var binds = PostgresBindings()
        binds.append(uuid.lowercased())
        return try await connection.rows(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).first
            .map { try InventoryToken(postgresRow: $0, location: location) }
    }

    private func complete(
        rotationID: Int64, newUUID: String, fingerprint: String?, at: Date, note: String?,
        _ connection: PostgresConnection
    ) async throws {
        let changed = try await connection.changes(
            """
            UPDATE rotations SET step = 'done', outcome = 'rotated', new_uuid = \(newUUID.lowercased()),
            new_fingerprint = \(fingerprint), finished = \(Instant(at)), updated = \(Instant(at)), error = \(note)
            WHERE id = \(rotationID) RETURNING 1
            """, logger: logger)
        guard changed == 1 else { throw PostgresInventoryError.unknownRotation(location: location, id: rotationID) }
    }

    /// Inserts a token whose uuid must be new; the uuid's UNIQUE constraint checks it without a lookup.
    private func insert(_ token: InventoryToken, addedAt: Date, _ connection: PostgresConnection) async throws {
        do {
            try await insert([token], addedAt: addedAt, connection)
        } catch let error as PSQLError where error.sqlState == "23505" && error.constraintName == "tokens_uuid_key" {
            throw UUIDTaken(uuid: token.uuid)
        }
    }

    /// Inserts tokens in one statement.
    private func insert(_ tokens: [InventoryToken], addedAt: Date, _ connection: PostgresConnection) async throws {
        guard !tokens.isEmpty else { return }
        var binds = PostgresBindings(capacity: tokens.count * 12)
        var rows: [String] = []
        for token in tokens {
            let first = binds.count + 1
            rows.append("(" + (first..<first + 12).map { "$\($0)" }.joined(separator: ", ") + ")")
            binds.append(token.controller)
            binds.append(token.user)
            binds.append(token.name)
            binds.append(token.uuid.lowercased())
            binds.append(Instant(token.created))
            binds.append(token.state.rawValue)
            binds.append(token.fingerprint)
            binds.append(token.replacedBy?.lowercased())
            binds.append(token.revokeAfter.instant)
            binds.append(token.revokedAt.instant)
            binds.append(token.lastRotated.instant)
            binds.append(Instant(addedAt))
        }
        let sql = """
            INSERT INTO tokens (controller, "user", name, uuid, created, state, fingerprint, replaced_by, revoke_after,
            revoked_at, last_rotated, added_at) VALUES
            """
        try await connection.query(
            PostgresQuery(unsafeSQL: sql + rows.joined(separator: ", "), binds: binds), logger: logger)
    }

    /// The transaction ended on a uuid already present, which can only be named after the rollback.
    private struct UUIDTaken: Error {
        var uuid: String
    }

    /// Runs a write that inserts tokens; a uuid already present fails it with
    /// ``PostgresInventoryError/duplicateUUID(location:uuid:existing:)`` naming the token that has it.
    private func insertingNew<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let taken as UUIDTaken {
            let existing = try await self.token(uuid: taken.uuid)?.identity ?? "a token added at the same moment"
            throw PostgresInventoryError.duplicateUUID(location: location, uuid: taken.uuid, existing: existing)
        }
    }
}
