import Foundation
import RotatorCore
import RotatorTestSupport
import Testing

@_spi(Testing) @testable import InventoryStore

@Suite("The rotation journal, runs and events")
struct JournalTests {
    private func rotation(
        runID: Int64?, old: Int, started: String, step: RotationStep = .planned
    ) -> JournalEntry {
        JournalEntry(
            runID: runID, controller: "ci-main", user: "alice", name: "token-\(old)", oldUUID: sampleUUID(old),
            step: step, started: instant(started))
    }

    @Test("a rotation walks its steps; every step reads back as written")
    func stepsRoundTrip() throws {
        let inventory = try Inventory.inMemory()
        let runID = try inventory.startRun(RunEntry(started: addedAt, mode: "rotate"))
        let planned = rotation(runID: runID, old: 1, started: "2026-02-01T12:00:00.000Z")
        let id = try inventory.insertRotation(planned)
        var expected = planned
        expected.id = id
        #expect(try inventory.rotation(id: id) == expected)

        expected.step = .generating
        expected.newName = "token-1"
        try inventory.saveRotation(expected, at: instant("2026-02-01T12:00:01.000Z"))
        #expect(try inventory.rotation(id: id) == expected)

        expected.step = .minted
        expected.newUUID = sampleUUID(2).uppercased()
        expected.newFingerprint = "a1b2c3d4e5f6"
        try inventory.saveRotation(expected, at: instant("2026-02-01T12:00:02.000Z"))
        expected.newUUID = sampleUUID(2)
        #expect(try inventory.rotation(id: id) == expected)

        for step in [RotationStep.delivered, .verified] {
            expected.step = step
            try inventory.saveRotation(expected, at: instant("2026-02-01T12:00:03.000Z"))
        }
        let finished = instant("2026-02-01T12:00:04.000Z")
        expected.step = .rolledBack
        expected.outcome = .failed
        expected.error = "delivery failed: exit 3"
        expected.finished = finished
        try inventory.saveRotation(expected, at: finished)
        #expect(try inventory.rotation(id: id) == expected)
    }

    @Test("an issued token and its row's `done` commit together: both or neither")
    func issuedInOneTransaction() throws {
        let inventory = try Inventory.inMemory()
        let runID = try inventory.startRun(RunEntry(started: addedAt, mode: "issue"))
        var entry = JournalEntry(
            runID: runID, controller: "ci-main", user: "alice", name: "ci", oldUUID: nil, step: .generating,
            started: instant("2026-03-01T00:00:00.000Z"))
        entry.id = try inventory.insertRotation(entry)
        let token = InventoryToken(
            controller: "ci-main", user: "alice", name: "ci", uuid: sampleUUID(7), created: entry.started,
            fingerprint: "abcdef012345")
        var missing = entry
        missing.id = 999
        #expect(throws: InventoryError.self) { try inventory.recordIssued(token, completing: missing, at: addedAt) }
        #expect(try inventory.token(uuid: token.uuid) == nil)

        try inventory.recordIssued(token, completing: entry, at: addedAt)
        #expect(try inventory.token(uuid: token.uuid) != nil)
        #expect(try inventory.rotation(id: entry.id!)?.step == .done)
        #expect(try inventory.unfinishedRotations().isEmpty)
    }

    @Test("every step and outcome value is accepted by the schema")
    func everyEnumValueFits() throws {
        let inventory = try Inventory.inMemory()
        for step in RotationStep.allCases {
            for outcome in RotationOutcome.allCases {
                var record = rotation(runID: nil, old: 1, started: "2026-02-01T12:00:00.000Z", step: step)
                record.outcome = outcome
                let id = try inventory.insertRotation(record)
                #expect(try inventory.rotation(id: id)?.step == step)
                #expect(try inventory.rotation(id: id)?.outcome == outcome)
            }
        }
    }

    @Test("saveRotation records progress but never the identity fixed at insert; unknown ids fail, change nothing")
    func saveRotation() throws {
        let inventory = try Inventory.inMemory()
        let id = try inventory.insertRotation(rotation(runID: nil, old: 1, started: "2026-02-01T12:00:00.000Z"))
        var record = try #require(try inventory.rotation(id: id))
        record.step = .uncertain
        record.outcome = .uncertain
        record.newName = "token-1"
        record.error = "the generate response was lost"
        try inventory.saveRotation(record, at: instant("2026-02-01T12:01:00.000Z"))
        #expect(try inventory.rotation(id: id) == record)

        var moved = record
        moved.controller = "elsewhere"
        moved.user = "mallory"
        moved.oldUUID = sampleUUID(9)
        moved.started = instant("2030-01-01T00:00:00.000Z")
        try inventory.saveRotation(moved, at: instant("2026-02-01T12:02:00.000Z"))
        #expect(try inventory.rotation(id: id) == record)

        let before = try inventory.dumpAllRows()
        record.id = 99
        #expect(throws: InventoryError.unknownRotation(path: ":memory:", id: 99)) {
            try inventory.saveRotation(record, at: addedAt)
        }
        #expect(throws: InventoryError.unknownRun(path: ":memory:", id: 7)) {
            try inventory.insertRotation(rotation(runID: 7, old: 1, started: "2026-02-01T12:00:00.000Z"))
        }
        #expect(try inventory.dumpAllRows() == before)
    }

    @Test("unfinished rotations are those whose step is not final, oldest first")
    func unfinished() throws {
        let inventory = try Inventory.inMemory()
        for (offset, step) in RotationStep.allCases.enumerated() {
            let started = String(format: "2026-02-01T12:00:%02ld.000Z", 59 - offset)
            try inventory.insertRotation(rotation(runID: nil, old: offset, started: started, step: step))
        }
        let open = RotationStep.allCases.filter { !$0.isFinal }
        #expect(try inventory.unfinishedRotations().map(\.step) == open.reversed())
        #expect(
            Set(try inventory.unfinishedRotations().map(\.step)) == [
                .planned, .generating, .minted, .delivered, .verified, .uncertain,
            ])
    }

    @Test("history is newest first and filters by start and by token (old or new uuid)")
    func historyFilters() throws {
        let inventory = try Inventory.inMemory()
        let first = try inventory.insertRotation(rotation(runID: nil, old: 1, started: "2026-01-01T00:00:00.000Z"))
        var minted = try #require(try inventory.rotation(id: first))
        minted.step = .minted
        minted.newUUID = sampleUUID(2)
        try inventory.saveRotation(minted, at: addedAt)
        let second = try inventory.insertRotation(rotation(runID: nil, old: 2, started: "2026-01-15T00:00:00.000Z"))
        let third = try inventory.insertRotation(rotation(runID: nil, old: 7, started: "2026-02-01T00:00:00.000Z"))

        #expect(try inventory.history().map(\.id) == [third, second, first])
        #expect(try inventory.history(since: instant("2026-01-15T00:00:00.000Z")).map(\.id) == [third, second])
        #expect(try inventory.history(tokenUUID: sampleUUID(2).uppercased()).map(\.id) == [second, first])
        #expect(
            try inventory.history(since: instant("2026-01-02T00:00:00.000Z"), tokenUUID: sampleUUID(2)).map(\.id)
                == [second])
        #expect(try inventory.history(tokenUUID: sampleUUID(99)).isEmpty)
        #expect(try inventory.history(limit: 1).map(\.id) == [third])
    }

    @Test("a run starts, finishes with its counters, and lists newest first")
    func runs() throws {
        let inventory = try Inventory.inMemory()
        let first = try inventory.startRun(RunEntry(started: instant("2026-02-01T00:00:00.000Z"), mode: "rotate"))
        let second = try inventory.startRun(
            RunEntry(started: instant("2026-02-02T00:00:00.000Z"), mode: "revoke"),
            asOf: instant("2026-03-01T00:00:00.000Z"))
        let finished = instant("2026-02-01T00:05:00.000Z")
        try inventory.finishRun(
            id: first, counts: RunCounts(rotated: 3, failed: 1, retired: 2, skipped: 4, uncertain: 1), exitCode: 1,
            finished: finished)
        let run = try #require(try inventory.run(id: first))
        #expect(
            run
                == RunEntry(
                    id: first, started: instant("2026-02-01T00:00:00.000Z"), finished: finished, mode: "rotate",
                    rotated: 3, failed: 1, retired: 2, skipped: 4, uncertain: 1, exitCode: 1))
        #expect(try inventory.lastRuns().map(\.id) == [second, first])
        #expect(try inventory.lastRuns(limit: 1).map(\.id) == [second])
        #expect(throws: InventoryError.unknownRun(path: ":memory:", id: 99)) {
            try inventory.finishRun(id: 99, counts: RunCounts(), exitCode: 0, finished: finished)
        }
    }

    @Test("events are appended, read back by run and by token, and can be neither updated nor deleted")
    func eventsAreAppendOnly() throws {
        let inventory = try Inventory.inMemory()
        let runID = try inventory.startRun(
            RunEntry(started: addedAt, mode: "rotate"),
            events: [InventoryEvent(at: addedAt, kind: "run.started", message: "rotate run started")])
        let event = InventoryEvent(
            at: addedAt, runID: runID, controller: "ci-main", user: "alice", name: "ci", uuid: sampleUUID(1),
            kind: "token.revoked", message: "revoked after grace")
        let id = try inventory.appendEvent(event)
        var expected = event
        expected.id = id
        let events = try inventory.events(runID: runID)
        #expect(events.map(\.kind) == ["run.started", "token.revoked"])
        #expect(events.last == expected)
        #expect(try inventory.events(tokenUUID: sampleUUID(1)) == [expected])

        let before = try inventory.dumpAllRows()
        for sql in ["UPDATE events SET message = 'edited'", "DELETE FROM events", "DELETE FROM events WHERE id = 1"] {
            let error = #expect(throws: InventoryError.self) { try inventory.executeRawSQL(sql) }
            #expect(error?.description.contains("append-only") == true)
        }
        #expect(try inventory.dumpAllRows() == before)
    }

    @Test("a rotation's events get its id, and a failing write appends no event")
    func eventsShareTheTransaction() throws {
        let inventory = try Inventory.inMemory()
        let runID = try inventory.startRun(RunEntry(started: addedAt, mode: "rotate"))
        let id = try inventory.insertRotation(
            rotation(runID: runID, old: 1, started: "2026-02-01T12:00:00.000Z"),
            events: [InventoryEvent(at: addedAt, runID: runID, kind: "rotation.planned", message: "planned")])
        #expect(try inventory.events(runID: runID).map(\.rotationID) == [id])

        let before = try inventory.dumpAllRows()
        var unknown = rotation(runID: runID, old: 1, started: "2026-02-01T12:00:00.000Z", step: .done)
        unknown.id = 12345
        #expect(throws: InventoryError.self) {
            try inventory.saveRotation(
                unknown, at: addedAt,
                events: [InventoryEvent(at: addedAt, runID: runID, kind: "rotation.done", message: "done")])
        }
        #expect(try inventory.dumpAllRows() == before)
    }

    @Test("writes inside inOneTransaction commit together, or not at all when one of them fails")
    func oneTransaction() throws {
        let inventory = try Inventory.inMemory()
        let ids = try inventory.inOneTransaction {
            try (1...3).map {
                try inventory.insertRotation(rotation(runID: nil, old: $0, started: "2026-02-01T12:00:00.000Z"))
            }
        }
        #expect(try inventory.history().compactMap(\.id).sorted() == ids)

        let before = try inventory.dumpAllRows()
        var unknown = rotation(runID: nil, old: 5, started: "2026-02-01T12:00:00.000Z")
        unknown.id = 12345
        #expect(throws: InventoryError.unknownRotation(path: ":memory:", id: 12345)) {
            try inventory.inOneTransaction {
                try inventory.insertRotation(rotation(runID: nil, old: 4, started: "2026-02-01T12:00:00.000Z"))
                try inventory.appendEvent(InventoryEvent(at: addedAt, kind: "note", message: "kept only with the rest"))
                try inventory.saveRotation(unknown, at: addedAt)
            }
        }
        #expect(try inventory.dumpAllRows() == before)
    }
}
