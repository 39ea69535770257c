import Foundation
import GRDB
import RotatorCore
import RotatorTestSupport
import Testing

@_spi(Testing) @testable import InventoryStore

@Suite("Tokens in the inventory")
struct TokenTests {
    @Test("a token added reads back field for field, by uuid in any case")
    func addAndRead() throws {
        let inventory = try Inventory.inMemory()
        var token = sampleToken(1)
        token.lastRotated = instant("2025-12-01T08:00:00.250Z")
        try inventory.add(token, addedAt: addedAt)
        #expect(try inventory.token(uuid: token.uuid) == token)
        #expect(try inventory.token(uuid: token.uuid.uppercased()) == token)
        #expect(try inventory.token(uuid: sampleUUID(2)) == nil)
    }

    @Test("an uppercase uuid is stored lowercase")
    func uuidIsLowercased() throws {
        let inventory = try Inventory.inMemory()
        var token = sampleToken(0xABC)
        token.uuid = token.uuid.uppercased()
        try inventory.add(token, addedAt: addedAt)
        #expect(try inventory.tokens().map(\.uuid) == [sampleUUID(0xABC)])
    }

    @Test("a uuid with non-ASCII capitals is stored as lookups lowercase it, and found again")
    func nonASCIIUUIDIsLowercased() throws {
        let inventory = try Inventory.inMemory()
        var token = sampleToken(1)
        token.uuid = "Ä-\(sampleUUID(1))"
        try inventory.add(token, addedAt: addedAt)
        #expect(try inventory.tokens().map(\.uuid) == [token.uuid.lowercased()])
        #expect(try inventory.token(uuid: token.uuid)?.name == token.name)
    }

    @Test("adding a duplicate uuid fails, names the existing token, and changes nothing")
    func duplicateAdd() throws {
        let inventory = try Inventory.inMemory()
        try inventory.add(sampleToken(1), addedAt: addedAt)
        let before = try inventory.dumpAllRows()
        let duplicate = sampleToken(1, user: "bob", name: "other")
        let event = InventoryEvent(at: addedAt, kind: "token.added", message: "added")
        let error = #expect(throws: InventoryError.self) {
            try inventory.add(duplicate, addedAt: addedAt, events: [event])
        }
        #expect(error == .duplicateUUID(path: ":memory:", uuid: sampleUUID(1), existing: "ci-main/alice/token-1"))
        #expect(try inventory.dumpAllRows() == before)
    }

    @Test("an import is all or nothing: one known uuid fails it, names its line, and changes nothing")
    func importIsAllOrNothing() throws {
        let inventory = try Inventory.inMemory()
        try inventory.add(sampleToken(3), addedAt: addedAt)
        let before = try inventory.dumpAllRows()
        let imported = (1...5).map { ImportedToken(line: $0 + 1, record: sampleToken($0)) }
        let error = #expect(throws: InventoryError.self) {
            try inventory.importTokens(imported, source: "tokens.csv", addedAt: addedAt)
        }
        #expect(
            error
                == .importedUUIDExists(
                    path: ":memory:", source: "tokens.csv", line: 4, uuid: sampleUUID(3),
                    existing: "ci-main/alice/token-3"))
        #expect(error?.description.hasPrefix("tokens.csv:4: token uuid \(sampleUUID(3))") == true)
        #expect(try inventory.dumpAllRows() == before)

        try inventory.importTokens(imported.filter { $0.record.uuid != sampleUUID(3) }, addedAt: addedAt)
        #expect(try inventory.tokens().count == 5)
    }

    @Test("duplicates inside one import fail it as a whole, naming the line the uuid first appeared on")
    func duplicateWithinImport() throws {
        let inventory = try Inventory.inMemory()
        let imported = [
            ImportedToken(line: 2, record: sampleToken(1)),
            ImportedToken(line: 3, record: sampleToken(1, name: "again")),
        ]
        let error = #expect(throws: InventoryError.self) {
            try inventory.importTokens(imported, source: "<stdin>", addedAt: addedAt)
        }
        #expect(error == .importedUUIDRepeated(source: "<stdin>", line: 3, uuid: sampleUUID(1), firstLine: 2))
        #expect(
            error?.description
                == "<stdin>:3: uuid \(sampleUUID(1)) already appears on line 2; each token must appear once")
        #expect(try inventory.tokens().isEmpty)
    }

    /// What a conflicting row collides with: a token the inventory holds, or an earlier line of the import.
    enum Collision {
        case held(by: String)
        case repeats(line: Int)
    }

    /// Imports whose rows conflict in several places: the uuid numbers per line (from line 2), the uuids already in
    /// the inventory, and the line a row-by-row insert would stop at, with what it collides with.
    static let conflicts: [(uuids: [Int], existing: [Int], line: Int, collision: Collision)] = [
        // Rows go in by uuid: 9 sorts after 2, yet line 3's known uuid is the first conflict by line.
        ([9, 2, 5], [2], 3, .held(by: "ci-main/alice/token-2")),
        ([9, 2, 5], [5, 2], 3, .held(by: "ci-main/alice/token-2")),
        // A repeat inside the file (line 4 repeats line 2) comes before the known uuid on line 5.
        ([7, 8, 7, 3], [3], 4, .repeats(line: 2)),
        ([7, 3, 7, 3], [3], 3, .held(by: "ci-main/alice/token-3")),
        // The third occurrence is not the first conflict; the second is, and it names the first.
        ([4, 6, 4, 4, 6], [], 4, .repeats(line: 2)),
        ([5, 6, 7, 6, 5], [], 5, .repeats(line: 3)),
    ]

    @Test("a failed import names the first conflicting line, known uuid or repeat alike", arguments: conflicts.indices)
    func firstConflictByLine(_ index: Int) throws {
        let (uuids, existing, line, collision) = Self.conflicts[index]
        let inventory = try Inventory.inMemory()
        for number in existing { try inventory.add(sampleToken(number), addedAt: addedAt) }
        let before = try inventory.dumpAllRows()
        let imported = uuids.enumerated().map { offset, number in
            ImportedToken(line: offset + 2, record: sampleToken(number, name: "line-\(offset + 2)"))
        }
        let error = #expect(throws: InventoryError.self) {
            try inventory.importTokens(imported, source: "mixed.csv", addedAt: addedAt)
        }
        let uuid = sampleUUID(uuids[line - 2])
        switch collision {
        case .held(let holder):
            #expect(
                error
                    == .importedUUIDExists(
                        path: ":memory:", source: "mixed.csv", line: line, uuid: uuid, existing: holder))
        case .repeats(let firstLine):
            #expect(error == .importedUUIDRepeated(source: "mixed.csv", line: line, uuid: uuid, firstLine: firstLine))
        }
        #expect(try inventory.dumpAllRows() == before)
        // The connection keeps no staged rows: the same inventory takes a clean import afterwards.
        try inventory.importTokens([ImportedToken(line: 2, record: sampleToken(1, name: "after"))], addedAt: addedAt)
        #expect(try inventory.tokens().count == existing.count + 1)
    }

    @Test("remove forgets a token; removing an unknown uuid fails and changes nothing")
    func remove() throws {
        let inventory = try Inventory.inMemory()
        try inventory.add(sampleToken(1), addedAt: addedAt)
        try inventory.add(sampleToken(2), addedAt: addedAt)
        try inventory.remove(uuid: sampleUUID(1).uppercased())
        #expect(try inventory.tokens().map(\.uuid) == [sampleUUID(2)])
        let before = try inventory.dumpAllRows()
        let error = #expect(throws: InventoryError.self) { try inventory.remove(uuid: sampleUUID(1)) }
        #expect(error == .unknownUUID(path: ":memory:", uuid: sampleUUID(1)))
        #expect(try inventory.dumpAllRows() == before)
    }

    @Test("listing is ordered by controller, user, name, created and hides revoked tokens unless asked")
    func listingOrder() throws {
        let inventory = try Inventory.inMemory()
        let tokens = [
            sampleToken(1, controller: "b", user: "alice", name: "x"),
            sampleToken(2, controller: "a", user: "zed", name: "x"),
            sampleToken(3, controller: "a", user: "alice", name: "y", created: instant("2026-03-01T00:00:00.000Z")),
            sampleToken(4, controller: "a", user: "alice", name: "y", created: instant("2026-01-01T00:00:00.000Z")),
            sampleToken(5, controller: "a", user: "alice", name: "x"),
        ]
        for token in tokens { try inventory.add(token, addedAt: addedAt) }
        try inventory.markRevoked(uuid: sampleUUID(2), at: addedAt)
        #expect(try inventory.tokens().map(\.uuid) == [5, 4, 3, 1].map(sampleUUID))
        #expect(try inventory.tokens(includeRevoked: true).map(\.uuid) == [5, 4, 3, 2, 1].map(sampleUUID))
        #expect(try inventory.tokens(controller: "a", user: "alice", name: "y").map(\.uuid) == [4, 3].map(sampleUUID))
    }

    @Test("a rotation with a grace period inserts the successor and marks the old token retiring, atomically")
    func recordRotatedRetiring() throws {
        let inventory = try Inventory.inMemory()
        try inventory.add(sampleToken(1), addedAt: addedAt)
        let runID = try inventory.startRun(RunEntry(started: addedAt, mode: "rotate"))
        let rotationID = try inventory.insertRotation(
            JournalEntry(
                runID: runID, controller: "ci-main", user: "alice", name: "token-1",
                oldUUID: sampleUUID(1), started: addedAt))
        let rotatedAt = instant("2026-02-01T12:00:05.000Z")
        let grace = instant("2026-02-02T12:00:05.000Z")
        var successor = sampleToken(2, name: "token-1", created: rotatedAt)
        successor.fingerprint = "fedcba987654"
        let event = InventoryEvent(
            at: rotatedAt, runID: runID, rotationID: rotationID, uuid: sampleUUID(1),
            kind: "rotation.done", message: "rotated")
        try inventory.recordRotated(
            oldUUID: sampleUUID(1), successor: successor, oldState: .retiring(revokeAfter: grace),
            rotatedAt: rotatedAt, completing: rotationID, events: [event])

        let old = try #require(try inventory.token(uuid: sampleUUID(1)))
        #expect(old.state == .retiring)
        #expect(old.revokeAfter == grace)
        #expect(old.replacedBy == sampleUUID(2))
        #expect(old.lastRotated == rotatedAt)
        #expect(try inventory.token(uuid: sampleUUID(2)) == successor)
        let rotation = try #require(try inventory.rotation(id: rotationID))
        #expect(rotation.step == .done)
        #expect(rotation.outcome == .rotated)
        #expect(rotation.newUUID == sampleUUID(2))
        #expect(rotation.newFingerprint == "fedcba987654")
        #expect(rotation.finished == rotatedAt)
        #expect(try inventory.events(runID: runID).map(\.kind) == ["rotation.done"])

        try inventory.markRevoked(uuid: sampleUUID(1), at: grace)
        let revoked = try #require(try inventory.token(uuid: sampleUUID(1)))
        #expect(revoked.state == .revoked)
        #expect(revoked.revokedAt == grace)
    }

    @Test("a rotation without grace marks the old token revoked")
    func recordRotatedRevoked() throws {
        let inventory = try Inventory.inMemory()
        try inventory.add(sampleToken(1), addedAt: addedAt)
        let at = instant("2026-02-03T00:00:00.000Z")
        try inventory.recordRotated(
            oldUUID: sampleUUID(1), successor: sampleToken(2, created: at), oldState: .revoked(at: at), rotatedAt: at)
        let old = try #require(try inventory.token(uuid: sampleUUID(1)))
        #expect(old.state == .revoked)
        #expect(old.revokedAt == at)
        #expect(old.revokeAfter == nil)
        #expect(try inventory.tokens().map(\.uuid) == [sampleUUID(2)])
    }

    @Test("a failing rotation record (unknown old token, known successor, unknown journal row) changes nothing")
    func recordRotatedFailuresChangeNothing() throws {
        let inventory = try Inventory.inMemory()
        try inventory.add(sampleToken(1), addedAt: addedAt)
        try inventory.add(sampleToken(2), addedAt: addedAt)
        let before = try inventory.dumpAllRows()
        let at = instant("2026-02-03T00:00:00.000Z")
        #expect(throws: InventoryError.unknownUUID(path: ":memory:", uuid: sampleUUID(9))) {
            try inventory.recordRotated(
                oldUUID: sampleUUID(9), successor: sampleToken(3), oldState: .revoked(at: at), rotatedAt: at)
        }
        #expect(
            throws: InventoryError.duplicateUUID(
                path: ":memory:", uuid: sampleUUID(2), existing: "ci-main/alice/token-2")
        ) {
            try inventory.recordRotated(
                oldUUID: sampleUUID(1), successor: sampleToken(2), oldState: .revoked(at: at), rotatedAt: at)
        }
        #expect(throws: InventoryError.unknownRotation(path: ":memory:", id: 42)) {
            try inventory.recordRotated(
                oldUUID: sampleUUID(1), successor: sampleToken(3), oldState: .revoked(at: at), rotatedAt: at,
                completing: 42)
        }
        #expect(throws: InventoryError.unknownUUID(path: ":memory:", uuid: sampleUUID(9))) {
            try inventory.markRevoked(uuid: sampleUUID(9), at: at)
        }
        #expect(try inventory.dumpAllRows() == before)
    }

    @Test("20,000 tokens stream through a cursor in order, and the list agrees")
    func streaming() throws {
        try withTemporaryFolder { folder in
            let inventory = try Inventory.open(path: folder + "/big.sqlite")
            let count = 20_000
            let imported = (0..<count).map { number in
                ImportedToken(
                    line: number + 2,
                    record: sampleToken(
                        number, controller: "controller-\(number % 50)", user: "user-\(number % 5_000)",
                        created: Date(timeIntervalSince1970: 1_700_000_000 + Double(number) * 60)))
            }
            try inventory.importTokens(imported, addedAt: addedAt)
            var seen = 0
            var outOfOrder: [String] = []
            var previous: InventoryToken?
            try inventory.forEachToken { token in
                if let previous,
                    (previous.controller, previous.user, previous.name, previous.created)
                        > (token.controller, token.user, token.name, token.created)
                {
                    outOfOrder.append(token.uuid)
                }
                previous = token
                seen += 1
            }
            #expect(outOfOrder.isEmpty)
            #expect(seen == count)
            #expect(try inventory.tokens().count == count)
        }
    }
}

@Suite("A large import builds the secondary indexes once")
struct DeferredIndexTests {
    static func tokens(_ count: Int, duplicateAt: Int? = nil) -> [ImportedToken] {
        (1...count).map { number in
            ImportedToken(line: number + 1, record: sampleToken(number == duplicateAt ? 1 : number, name: "t\(number)"))
        }
    }

    @Test("a large import leaves every row and the schema as it was, indexes included")
    func largeImport() throws {
        let inventory = try Inventory.inMemory()
        let schema = try inventory.schemaText()
        var iterator = Self.tokens(12_000).makeIterator()
        let count = try inventory.importTokens(
            source: "big.csv", addedAt: addedAt, progress: nil, events: { _ in [] }, reading: { iterator.next() })
        #expect(count == 12_000)
        #expect(try inventory.schemaText() == schema)
        #expect(try inventory.tokens().count == 12_000)
        #expect(try inventory.pragma("integrity_check") == "ok")
    }

    @Test("past the threshold the secondary indexes are dropped, the uuid's stays, and they come back identical")
    func dropAndRebuild() throws {
        let inventory = try Inventory.inMemory()
        let schema = try inventory.schemaText()
        func indexNames(_ db: Database) throws -> Set<String> {
            Set(
                try String.fetchAll(
                    db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tokens'"))
        }
        try inventory.write("testing deferred indexes") { db in
            let all = try indexNames(db)
            #expect(all.isSuperset(of: ["tokens_by_identity", "tokens_by_state", "sqlite_autoindex_tokens_1"]))
            var indexes = try DeferredIndexes(db)
            try indexes.dropIfWorthIt(imported: 9_999, db)
            #expect(try indexNames(db) == all, "below the threshold nothing is dropped")
            try indexes.dropIfWorthIt(imported: 10_000, db)
            #expect(try indexNames(db) == ["sqlite_autoindex_tokens_1"])
            try indexes.rebuild(db)
            #expect(try indexNames(db) == all)
        }
        #expect(try inventory.schemaText() == schema)
    }

    @Test("a large import that fails after the drop rolls back rows and indexes alike")
    func failedImportKeepsIndexes() throws {
        let inventory = try Inventory.inMemory()
        let (schema, rows) = (try inventory.schemaText(), try inventory.dumpAllRows())
        let error = #expect(throws: InventoryError.self) {
            try inventory.importTokens(Self.tokens(12_000, duplicateAt: 11_500), source: "big.csv", addedAt: addedAt)
        }
        #expect(error == .importedUUIDRepeated(source: "big.csv", line: 11_501, uuid: sampleUUID(1), firstLine: 2))
        #expect(try inventory.schemaText() == schema)
        #expect(try inventory.dumpAllRows() == rows)
    }

    @Test("a small import into a large inventory keeps the indexes up to date row by row")
    func smallImportKeepsIndexes() throws {
        let inventory = try Inventory.inMemory()
        try inventory.importTokens(Self.tokens(12_000), addedAt: addedAt)
        var iterator = (20_001...20_500).map { ImportedToken(line: $0, record: sampleToken($0)) }.makeIterator()
        var dropped = false
        _ = try inventory.importTokens(
            source: nil, addedAt: addedAt, progress: nil, events: { _ in [] },
            reading: {
                if !(try inventory.schemaText().contains("tokens_by_identity")) { dropped = true }
                return iterator.next()
            })
        #expect(!dropped)
        #expect(try inventory.tokens().count == 12_500)
    }
}
