import Foundation
import GRDB
import RotatorCore

extension Inventory {
    // MARK: - Adding and forgetting

    /// Registers an existing token. Fails with ``InventoryError/duplicateUUID(path:uuid:existing:)`` when the
    /// uuid is already known; then nothing changes. `events` are appended in the same transaction.
    public func add(_ token: InventoryToken, addedAt: Date = Date(), events: [InventoryEvent] = []) throws {
        try write("adding token \(token.uuid)") { db in
            try insertNew(token, addedAt: addedAt, db)
            try append(events, db)
        }
    }

    /// Registers many tokens, all or nothing, in one transaction. A uuid already in the inventory fails the whole
    /// import with an error naming its line in `source` (the imported file's name).
    /// `progress` is told how many rows are written so far, every 1,000 rows and at the end (nothing is durable
    /// until the whole import commits).
    public func importTokens(
        _ tokens: [ImportedToken], source: String? = nil, addedAt: Date = Date(), events: [InventoryEvent] = [],
        progress: (@Sendable (Int) -> Void)? = nil
    ) throws {
        var iterator = tokens.makeIterator()
        _ = try importTokens(
            source: source, addedAt: addedAt, progress: progress, events: { _ in events },
            reading: { iterator.next() })
    }

    /// Registers the tokens `next` gives until it returns nil, all or nothing, in one transaction, holding one
    /// token at a time (an import of any size in bounded memory). An error `next` throws aborts the import and
    /// passes through. A uuid already in the inventory, an earlier row of this import included, fails the whole
    /// import naming its line. `events(count)` are appended before the commit. Returns how many were imported.
    public func importTokens(
        source: String?, addedAt: Date, progress: (@Sendable (Int) -> Void)?,
        events: (_ count: Int) -> [InventoryEvent], reading next: () throws -> ImportedToken?
    ) throws -> Int {
        try write("importing tokens") { db in
            // Staged first, then inserted in uuid order (ImportStaging says why); one `added_at` text for all.
            var staging = try ImportStaging(db)
            let addedAtText = stored(addedAt)
            while let imported = try next() {
                if let progress, staging.count % 1_000 == 0 { progress(staging.count) }
                try staging.append(imported.record, addedAt: addedAtText, line: imported.line, db)
            }
            let count = staging.count
            progress?(count)
            var indexes = try DeferredIndexes(db)
            try indexes.dropIfWorthIt(imported: count, db)
            do {
                try staging.insertAll(db)
            } catch let conflict as ImportStaging.Conflict {
                if let firstLine = conflict.firstLine {
                    throw InventoryError.importedUUIDRepeated(
                        source: source, line: conflict.line, uuid: conflict.uuid, firstLine: firstLine)
                }
                throw InventoryError.importedUUIDExists(
                    path: path, source: source, line: conflict.line, uuid: conflict.uuid, existing: conflict.existing)
            }
            try indexes.rebuild(db)
            try append(events(count), db)
            return count
        }
    }

    /// Forgets a token without revoking it. Fails with ``InventoryError/unknownUUID(path:uuid:)`` when unknown.
    public func remove(uuid: String, events: [InventoryEvent] = []) throws {
        try write("removing token \(uuid)") { db in
            try db.cachedStatement(sql: "DELETE FROM tokens WHERE uuid = ?").execute(arguments: [uuid.lowercased()])
            guard db.changesCount == 1 else { throw InventoryError.unknownUUID(path: path, uuid: uuid) }
            try append(events, db)
        }
    }

    // MARK: - Reading

    /// The token with this uuid (any case), or nil.
    public func token(uuid: String) throws -> InventoryToken? {
        try read("reading token \(uuid)") { db in try token(uuid: uuid, db) }
    }

    /// All tokens (without revoked ones unless asked), ordered by controller, user, name, created.
    public func tokens(includeRevoked: Bool = false) throws -> [InventoryToken] {
        var tokens: [InventoryToken] = []
        try forEachToken(includeRevoked: includeRevoked) { tokens.append($0) }
        return tokens
    }

    /// Streams the tokens of ``tokens(includeRevoked:)`` one at a time from a database cursor, in bounded memory.
    /// `body` runs while the database is being read: it must not call this inventory.
    public func forEachToken(includeRevoked: Bool = false, _ body: (InventoryToken) throws -> Void) throws {
        let filter = includeRevoked ? "" : " WHERE state <> 'revoked'"
        let sql = InventoryToken.selectColumns + filter + " ORDER BY controller, user, name, created, id"
        try read("listing tokens") { db in
            let rows = try Row.fetchCursor(db.cachedStatement(sql: sql))
            while let row = try rows.next() {
                try body(InventoryToken(inventoryRow: row, path: path))
            }
        }
    }

    /// Streams the active tokens oldest first (by `created`) until `body` returns false: the planner's first
    /// pass stops as soon as no older token can change which ones rotate this run.
    /// `body` runs while the database is being read: it must not call this inventory.
    public func forEachActiveTokenOldestFirst(_ body: (InventoryToken) throws -> Bool) throws {
        let sql = InventoryToken.selectColumns + " WHERE state = 'active' ORDER BY created, id"
        try read("listing active tokens by age") { db in
            let rows = try Row.fetchCursor(db.cachedStatement(sql: sql))
            while let row = try rows.next() {
                guard try body(InventoryToken(inventoryRow: row, path: path)) else { return }
            }
        }
    }

    /// Tokens of one identity (controller, user, name), oldest first, revoked ones included.
    public func tokens(controller: String, user: String, name: String) throws -> [InventoryToken] {
        let sql = InventoryToken.selectColumns + " WHERE controller = ? AND user = ? AND name = ? ORDER BY created, id"
        return try read("reading tokens of \(controller)/\(user)/\(name)") { db in
            let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: [controller, user, name])
            return try Array(rows.map { try InventoryToken(inventoryRow: $0, path: self.path) })
        }
    }

    // MARK: - State changes of the rotation engine

    /// Records a completed rotation in one transaction: inserts `successor`, marks the old token retiring or
    /// revoked (with `replaced_by` and `last_rotated`), and, given `rotationID`, closes that journal row as
    /// `done` / `rotated` with the successor's uuid and fingerprint.
    public func recordRotated(
        oldUUID: String, successor: InventoryToken, oldState: RetiredTokenState, rotatedAt: Date,
        completing rotationID: Int64? = nil, note: String? = nil, events: [InventoryEvent] = []
    ) throws {
        try write("recording the rotation of token \(oldUUID)") { db in
            let revokeAfter: Date?
            let revokedAt: Date?
            let state: TokenState
            switch oldState {
            case .retiring(let deadline): (state, revokeAfter, revokedAt) = (.retiring, deadline, nil)
            case .revoked(let instant): (state, revokeAfter, revokedAt) = (.revoked, nil, instant)
            }
            try db.cachedStatement(
                sql: """
                    UPDATE tokens SET state = ?, revoke_after = ?, revoked_at = ?, replaced_by = ?, last_rotated = ?
                    WHERE uuid = ?
                    """
            ).execute(arguments: [
                state.rawValue, stored(revokeAfter), stored(revokedAt), successor.uuid.lowercased(),
                stored(rotatedAt), oldUUID.lowercased(),
            ])
            guard db.changesCount == 1 else { throw InventoryError.unknownUUID(path: path, uuid: oldUUID) }
            try insertNew(successor, addedAt: rotatedAt, db)
            if let rotationID {
                try db.cachedStatement(
                    sql: """
                        UPDATE rotations SET step = 'done', outcome = 'rotated', new_uuid = ?, new_fingerprint = ?,
                        finished = ?, updated = ?, error = ? WHERE id = ?
                        """
                ).execute(arguments: [
                    successor.uuid.lowercased(), successor.fingerprint, stored(rotatedAt), stored(rotatedAt), note,
                    rotationID,
                ])
                guard db.changesCount == 1 else { throw InventoryError.unknownRotation(path: path, id: rotationID) }
            }
            try append(events, db)
        }
    }

    /// Records the token `issue` minted and closes its journal row as `done`, in one transaction: a crash can
    /// never leave the token recorded and the row open (or the other way round).
    public func recordIssued(
        _ token: InventoryToken, completing entry: JournalEntry, at: Date, events: [InventoryEvent] = []
    ) throws {
        try write("recording the issued token \(token.uuid)") { db in
            try insertNew(token, addedAt: at, db)
            if let id = entry.id {
                try db.cachedStatement(
                    sql: """
                        UPDATE rotations SET step = 'done', outcome = 'rotated', new_uuid = ?, new_fingerprint = ?,
                        finished = ?, updated = ?, error = NULL WHERE id = ?
                        """
                ).execute(arguments: [token.uuid.lowercased(), token.fingerprint, stored(at), stored(at), id])
                guard db.changesCount == 1 else { throw InventoryError.unknownRotation(path: path, id: id) }
            }
            try append(events, db)
        }
    }

    /// Marks a token revoked at `at` (a retiring token after its grace, or `revoke --uuid`).
    public func markRevoked(uuid: String, at: Date, events: [InventoryEvent] = []) throws {
        try write("marking token \(uuid) revoked") { db in
            try db.cachedStatement(sql: "UPDATE tokens SET state = 'revoked', revoked_at = ? WHERE uuid = ?")
                .execute(arguments: [stored(at), uuid.lowercased()])
            guard db.changesCount == 1 else { throw InventoryError.unknownUUID(path: path, uuid: uuid) }
            try append(events, db)
        }
    }

    // MARK: - Within a transaction

    func token(uuid: String, _ db: Database) throws -> InventoryToken? {
        let statement = try db.cachedStatement(sql: InventoryToken.selectColumns + " WHERE uuid = ?")
        guard let row = try Row.fetchOne(statement, arguments: [uuid.lowercased()]) else { return nil }
        return try InventoryToken(inventoryRow: row, path: path)
    }

    /// Inserts a token whose uuid must be new; the uuid's UNIQUE constraint checks it without a lookup.
    private func insertNew(_ token: InventoryToken, addedAt: Date, _ db: Database) throws {
        do {
            try insert(token, addedAt: addedAt, db)
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            guard let existing = try self.token(uuid: token.uuid, db) else { throw error }
            throw InventoryError.duplicateUUID(path: path, uuid: token.uuid, existing: existing.identity)
        }
    }

    private static let insertSQL =
        "INSERT INTO tokens (\(TokenColumns.names)) VALUES (\(TokenColumns.placeholders()))"

    private func insert(_ token: InventoryToken, addedAt: Date, _ db: Database) throws {
        var values: [(any DatabaseValueConvertible)?] = []
        values.reserveCapacity(TokenColumns.count)
        TokenColumns.forEachValue(of: token, addedAt: stored(addedAt)) { value in
            switch value {
            case .text(let text): values.append(text)
            case .integer(let integer): values.append(integer)
            }
        }
        let statement = try db.cachedStatement(sql: Self.insertSQL)
        // One value per placeholder, both from TokenColumns: GRDB's count check would only repeat that.
        statement.setUncheckedArguments(StatementArguments(values))
        try statement.execute()
    }
}
