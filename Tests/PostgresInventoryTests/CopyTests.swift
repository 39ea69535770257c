import Foundation
import InventoryCopy
@_spi(Testing) import InventoryStore
@_spi(Testing) import PostgresInventory
import PostgresTestSupport
import RotatorCore
import RotatorTestSupport
import Testing

/// `inventory copy --to` (SPEC §8.11), as a library call: an SQLite inventory, history included, into an empty
/// PostgreSQL one.
@Suite("PostgreSQL: copying an SQLite inventory in")
struct CopyTests {
    /// An SQLite inventory with a bit of everything: tokens in each state, runs (one unfinished), rotations at
    /// several steps (one open), and their events.
    private func makeSource(_ path: String) throws -> Inventory {
        let source = try Inventory.open(path: path)
        for number in 1...5 { try source.add(sampleToken(number, user: "user-\(number % 2)"), addedAt: addedAt) }
        let run = try source.startRun(
            RunEntry(started: instant("2026-02-01T00:00:00.000Z"), mode: "rotate"),
            asOf: instant("2026-02-01T00:00:00.000Z"),
            events: [InventoryEvent(at: addedAt, kind: "run.started", message: "rotate")])
        let done = try source.insertRotation(
            JournalEntry(
                runID: run, controller: "ci-main", user: "user-1", name: "token-1", oldUUID: sampleUUID(1),
                started: instant("2026-02-01T00:00:01.000Z")),
            events: [InventoryEvent(at: addedAt, runID: run, kind: "rotation.planned", message: "planned")])
        try source.recordRotated(
            oldUUID: sampleUUID(1), successor: sampleToken(11, user: "user-1", name: "token-1"),
            oldState: .retiring(revokeAfter: instant("2026-02-02T00:00:00.500Z")),
            rotatedAt: instant("2026-02-01T00:00:02.250Z"), completing: done,
            events: [InventoryEvent(at: addedAt, runID: run, rotationID: done, kind: "rotation.done", message: "ok")])
        var open = JournalEntry(
            runID: run, controller: "ci-main", user: "user-0", name: "token-2", oldUUID: sampleUUID(2),
            newName: "token-2", step: .generating, started: instant("2026-02-01T00:00:03.000Z"))
        open.id = try source.insertRotation(open)
        try source.markRevoked(uuid: sampleUUID(3), at: instant("2026-02-01T00:00:04.000Z"))
        try source.finishRun(
            id: run, counts: RunCounts(rotated: 1, uncertain: 1), exitCode: 1,
            finished: instant("2026-02-01T00:01:00.000Z"))
        _ = try source.startRun(RunEntry(started: instant("2026-02-03T00:00:00.000Z"), mode: "revoke"))
        return source
    }

    private func temporarySQLitePath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("copy-\(UUID().uuidString).sqlite").path
    }

    private func removeSQLite(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    @Test("every row arrives with its id; the copy reads back as the original; new rows get new ids")
    func copiesEverything() async throws {
        let path = temporarySQLitePath()
        defer { removeSQLite(path) }
        let source = try makeSource(path)
        let target = try await PostgresCluster.freshInventory()
        let counts = try await SQLiteToPostgres.copy(sqlitePath: path, to: target)
        #expect(counts == .init(tokens: 6, runs: 2, rotations: 2, events: 3))

        #expect(try await target.tokens(includeRevoked: true) == (try await source.tokens(includeRevoked: true)))
        #expect(try await target.history() == (try await source.history()))
        #expect(try await target.unfinishedRotations() == (try await source.unfinishedRotations()))
        #expect(try await target.lastRuns() == (try await source.lastRuns()))
        for run in try await source.lastRuns() {
            #expect(try await target.events(runID: run.id!) == (try await source.events(runID: run.id!)))
        }
        #expect(try await target.isKnownToken(uuid: sampleUUID(11)))

        let next = try await target.startRun(RunEntry(started: addedAt, mode: "rotate"))
        #expect(next == 3)
        let rotation = try await target.insertRotation(
            JournalEntry(runID: next, controller: "c", user: "u", name: "n", oldUUID: nil, started: addedAt))
        #expect(rotation == 3)
        try source.close()
    }

    @Test("a target that already holds anything is refused, and keeps what it had")
    func refusesANonEmptyTarget() async throws {
        let path = temporarySQLitePath()
        defer { removeSQLite(path) }
        try makeSource(path).close()
        let target = try await PostgresCluster.freshInventory()
        try await target.add(sampleToken(99), addedAt: addedAt)
        let before = try await target.dumpAllRows()
        let error = await #expect(throws: PostgresInventoryError.self) {
            try await SQLiteToPostgres.copy(sqlitePath: path, to: target)
        }
        #expect(error?.description.contains("empty inventory") == true)
        #expect(try await target.dumpAllRows() == before)
    }

    @Test("a source at another schema version is refused before anything is copied")
    func refusesAnotherSchema() async throws {
        let path = temporarySQLitePath()
        defer { removeSQLite(path) }
        let source = try makeSource(path)
        try source.executeRawSQL("INSERT INTO grdb_migrations (identifier) VALUES ('0099_from_the_future')")
        try source.close()
        let target = try await PostgresCluster.freshInventory()
        let error = await #expect(throws: SQLiteToPostgres.CopyError.self) {
            try await SQLiteToPostgres.copy(sqlitePath: path, to: target)
        }
        #expect(error?.description.contains("0099_from_the_future") == true)
        #expect(try await target.tokens(includeRevoked: true).isEmpty)
    }
}
