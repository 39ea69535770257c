import Foundation
import RotatorCore
import RotatorTestSupport
import Testing

/// Tokens in the inventory: the same checks over SQLite and PostgreSQL.
@Suite("Both backends: tokens in the inventory")
struct SharedTokenTests {
    @Test("a token added reads back field for field, by uuid in any case", arguments: Backend.allCases)
    func addAndRead(_ backend: Backend) async throws {
        let inventory = try await backend.open()
        var token = sampleToken(1)
        token.lastRotated = instant("2025-12-01T08:00:00.250Z")
        try await inventory.add(token, addedAt: addedAt)
        #expect(try await inventory.token(uuid: token.uuid) == token)
        #expect(try await inventory.token(uuid: token.uuid.uppercased()) == token)
        #expect(try await inventory.token(uuid: sampleUUID(2)) == nil)
        var uppercase = sampleToken(0xABC)
        uppercase.uuid = uppercase.uuid.uppercased()
        try await inventory.add(uppercase, addedAt: addedAt)
        #expect(try await inventory.tokens().map(\.uuid) == [sampleUUID(1), sampleUUID(0xABC)])
    }

    @Test("adding a duplicate uuid fails, names the existing token, and changes nothing", arguments: Backend.allCases)
    func duplicateAdd(_ backend: Backend) async throws {
        let inventory = try await backend.open()
        try await inventory.add(sampleToken(1), addedAt: addedAt)
        let duplicate = sampleToken(1, user: "bob", name: "other")
        let event = InventoryEvent(at: addedAt, kind: "token.added", message: "added")
        try await inventory.expectFailure(.duplicateUUID(uuid: sampleUUID(1), existing: "ci-main/alice/token-1")) {
            try await inventory.add(duplicate, addedAt: addedAt, events: [event])
        }
    }

    @Test(
        "an import is all or nothing: one known uuid fails it, names its line, and changes nothing",
        arguments: Backend.allCases)
    func importIsAllOrNothing(_ backend: Backend) async throws {
        let inventory = try await backend.open()
        try await inventory.add(sampleToken(3), addedAt: addedAt)
        let imported = (1...5).map { ImportedToken(line: $0 + 1, record: sampleToken($0)) }
        try await inventory.expectFailure(
            .importedUUIDExists(source: "tokens.csv", line: 4, uuid: sampleUUID(3), existing: "ci-main/alice/token-3")
        ) {
            try await inventory.importTokens(imported, source: "tokens.csv", addedAt: addedAt)
        }
        try await inventory.importTokens(
            imported.filter { $0.record.uuid != sampleUUID(3) }, source: nil, addedAt: addedAt)
        #expect(try await inventory.tokens().count == 5)
    }

    @Test(
        "duplicates inside one import fail it as a whole, naming the line the uuid first appeared on",
        arguments: Backend.allCases)
    func duplicateWithinImport(_ backend: Backend) async throws {
        let inventory = try await backend.open()
        let imported = [
            ImportedToken(line: 2, record: sampleToken(1)),
            ImportedToken(line: 3, record: sampleToken(1, name: "again")),
        ]
        try await inventory.expectFailure(
            .importedUUIDRepeated(source: nil, line: 3, uuid: sampleUUID(1), firstLine: 2)
        ) {
            try await inventory.importTokens(imported, source: nil, addedAt: addedAt)
        }
        #expect(try await inventory.tokens().isEmpty)
    }

    @Test("remove forgets a token; removing an unknown uuid fails and changes nothing", arguments: Backend.allCases)
    func remove(_ backend: Backend) async throws {
        let inventory = try await backend.open()
        try await inventory.add(sampleToken(1), addedAt: addedAt)
        try await inventory.add(sampleToken(2), addedAt: addedAt)
        try await inventory.remove(uuid: sampleUUID(1).uppercased(), events: [])
        #expect(try await inventory.tokens().map(\.uuid) == [sampleUUID(2)])
        try await inventory.expectFailure(.unknownUUID(sampleUUID(1))) {
            try await inventory.remove(uuid: sampleUUID(1), events: [])
        }
    }

    @Test(
        "listing is ordered by controller, user, name, created and hides revoked tokens unless asked",
        arguments: Backend.allCases)
    func listingOrder(_ backend: Backend) async throws {
        let inventory = try await backend.open()
        let tokens = [
            sampleToken(1, controller: "b", user: "alice", name: "x"),
            sampleToken(2, controller: "a", user: "zed", name: "x"),
            sampleToken(3, controller: "a", user: "alice", name: "y", created: instant("2026-03-01T00:00:00.000Z")),
            sampleToken(4, controller: "a", user: "alice", name: "y", created: instant("2026-01-01T00:00:00.000Z")),
            sampleToken(5, controller: "a", user: "alice", name: "x"),
        ]
        for token in tokens { try await inventory.add(token, addedAt: addedAt) }
        try await inventory.markRevoked(uuid: sampleUUID(2), at: addedAt)
        #expect(try await inventory.tokens().map(\.uuid) == [5, 4, 3, 1].map(sampleUUID))
        #expect(try await inventory.tokens(includeRevoked: true).map(\.uuid) == [5, 4, 3, 2, 1].map(sampleUUID))
        #expect(
            try await inventory.tokens(controller: "a", user: "alice", name: "y").map(\.uuid)
                == [4, 3].map(sampleUUID))
    }

    @Test(
        "a rotation with a grace period inserts the successor and marks the old token retiring, atomically",
        arguments: Backend.allCases)
    func recordRotatedRetiring(_ backend: Backend) async throws {
        let inventory = try await backend.open()
        try await inventory.add(sampleToken(1), addedAt: addedAt)
        let runID = try await inventory.startRun(RunEntry(started: addedAt, mode: "rotate"))
        let rotationID = try await inventory.insertRotation(
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
        try await inventory.recordRotated(
            oldUUID: sampleUUID(1), successor: successor, oldState: .retiring(revokeAfter: grace),
            rotatedAt: rotatedAt, completing: rotationID, events: [event])

        let old = try #require(try await inventory.token(uuid: sampleUUID(1)))
        #expect(old.state == .retiring)
        #expect(old.revokeAfter == grace)
        #expect(old.replacedBy == sampleUUID(2))
        #expect(old.lastRotated == rotatedAt)
        #expect(try await inventory.token(uuid: sampleUUID(2)) == successor)
        let rotation = try #require(try await inventory.rotation(id: rotationID))
        #expect(rotation.step == .done)
        #expect(rotation.outcome == .rotated)
        #expect(rotation.newUUID == sampleUUID(2))
        #expect(rotation.newFingerprint == "fedcba987654")
        #expect(rotation.finished == rotatedAt)
        #expect(try await inventory.events(runID: runID).map(\.kind) == ["rotation.done"])

        try await inventory.markRevoked(uuid: sampleUUID(1), at: grace)
        let revoked = try #require(try await inventory.token(uuid: sampleUUID(1)))
        #expect(revoked.state == .revoked)
        #expect(revoked.revokedAt == grace)
    }

    @Test("a rotation without grace marks the old token revoked", arguments: Backend.allCases)
    func recordRotatedRevoked(_ backend: Backend) async throws {
        let inventory = try await backend.open()
        try await inventory.add(sampleToken(1), addedAt: addedAt)
        let at = instant("2026-02-03T00:00:00.000Z")
        try await inventory.recordRotated(
            oldUUID: sampleUUID(1), successor: sampleToken(2, created: at), oldState: .revoked(at: at), rotatedAt: at)
        let old = try #require(try await inventory.token(uuid: sampleUUID(1)))
        #expect(old.state == .revoked)
        #expect(old.revokedAt == at)
        #expect(old.revokeAfter == nil)
        #expect(try await inventory.tokens().map(\.uuid) == [sampleUUID(2)])
    }

    @Test(
        "a failing rotation record (unknown old token, known successor, unknown journal row) changes nothing",
        arguments: Backend.allCases)
    func recordRotatedFailuresChangeNothing(_ backend: Backend) async throws {
        let inventory = try await backend.open()
        try await inventory.add(sampleToken(1), addedAt: addedAt)
        try await inventory.add(sampleToken(2), addedAt: addedAt)
        let at = instant("2026-02-03T00:00:00.000Z")
        try await inventory.expectFailure(.unknownUUID(sampleUUID(9))) {
            try await inventory.recordRotated(
                oldUUID: sampleUUID(9), successor: sampleToken(3), oldState: .revoked(at: at), rotatedAt: at)
        }
        try await inventory.expectFailure(.duplicateUUID(uuid: sampleUUID(2), existing: "ci-main/alice/token-2")) {
            try await inventory.recordRotated(
                oldUUID: sampleUUID(1), successor: sampleToken(2), oldState: .revoked(at: at), rotatedAt: at)
        }
        try await inventory.expectFailure(.unknownRotation(42)) {
            try await inventory.recordRotated(
                oldUUID: sampleUUID(1), successor: sampleToken(3), oldState: .revoked(at: at), rotatedAt: at,
                completing: 42)
        }
        try await inventory.expectFailure(.unknownUUID(sampleUUID(9))) {
            try await inventory.markRevoked(uuid: sampleUUID(9), at: at)
        }
    }

    @Test("5,000 tokens stream in order, and the list agrees", arguments: Backend.allCases)
    func streaming(_ backend: Backend) async throws {
        let inventory = try await backend.open()
        let count = 5_000
        let imported = (0..<count).map { number in
            ImportedToken(
                line: number + 2,
                record: sampleToken(
                    number, controller: "controller-\(number % 50)", user: "user-\(number % 500)",
                    created: Date(timeIntervalSince1970: 1_700_000_000 + Double(number) * 60)))
        }
        try await inventory.importTokens(imported, source: nil, addedAt: addedAt)
        let tokens = try await inventory.tokens()
        #expect(tokens.count == count)
        let outOfOrder = zip(tokens, tokens.dropFirst()).filter { previous, token in
            (previous.controller, previous.user, previous.name, previous.created)
                > (token.controller, token.user, token.name, token.created)
        }
        #expect(outOfOrder.isEmpty)
    }
}
