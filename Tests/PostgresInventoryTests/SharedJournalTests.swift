import Foundation
import RotatorCore
import RotatorTestSupport
import Testing

/// The rotation journal, runs and events: the same checks over SQLite and PostgreSQL.
@Suite("Both backends: the rotation journal, runs and events")
struct SharedJournalTests {
    private func rotation(
        runID: Int64?, old: Int, started: String, step: RotationStep = .planned
    ) -> JournalEntry {
        JournalEntry(
            runID: runID, controller: "ci-main", user: "alice", name: "token-\(old)", oldUUID: sampleUUID(old),
            step: step, started: instant(started))
    }

    @Test("a rotation walks its steps; every step reads back as written", arguments: Backend.allCases)
    func stepsRoundTrip(_ backend: Backend) async throws {
        let inventory = try await backend.open()
        let runID = try await inventory.startRun(RunEntry(started: addedAt, mode: "rotate"))
        let planned = rotation(runID: runID, old: 1, started: "2026-02-01T12:00:00.000Z")
        let id = try await inventory.insertRotation(planned)
        var expected = planned
        expected.id = id
        #expect(try await inventory.rotation(id: id) == expected)

        expected.step = .generating
        expected.newName = "token-1"
        try await inventory.saveRotation(expected, at: instant("2026-02-01T12:00:01.000Z"))
        #expect(try await inventory.rotation(id: id) == expected)

        expected.step = .minted
        expected.newUUID = sampleUUID(2).uppercased()
        expected.newFingerprint = "a1b2c3d4e5f6"
        try await inventory.saveRotation(expected, at: instant("2026-02-01T12:00:02.000Z"))
        expected.newUUID = sampleUUID(2)
        #expect(try await inventory.rotation(id: id) == expected)

        for step in [RotationStep.delivered, .verified] {
            expected.step = step
            try await inventory.saveRotation(expected, at: instant("2026-02-01T12:00:03.000Z"))
            #expect(try await inventory.rotation(id: id) == expected)
        }
        let finished = instant("2026-02-01T12:00:04.123Z")
        expected.step = .rolledBack
        expected.outcome = .failed
        expected.error = "delivery failed: exit 3"
        expected.finished = finished
        try await inventory.saveRotation(expected, at: finished)
        #expect(try await inventory.rotation(id: id) == expected)
    }

    @Test("an issued token and its row's `done` commit together: both or neither", arguments: Backend.allCases)
    func issuedInOneTransaction(_ backend: Backend) async throws {
        let inventory = try await backend.open()
        let runID = try await inventory.startRun(RunEntry(started: addedAt, mode: "issue"))
        var entry = JournalEntry(
            runID: runID, controller: "ci-main", user: "alice", name: "ci", oldUUID: nil, step: .generating,
            started: instant("2026-03-01T00:00:00.000Z"))
        entry.id = try await inventory.insertRotation(entry)
        let token = InventoryToken(
            controller: "ci-main", user: "alice", name: "ci", uuid: sampleUUID(7), created: entry.started,
            fingerprint: "abcdef012345")
        var missing = entry
        missing.id = 999
        try await inventory.expectFailure(.unknownRotation(999)) {
            try await inventory.recordIssued(token, completing: missing, at: addedAt, events: [])
        }
        #expect(try await inventory.token(uuid: token.uuid) == nil)

        try await inventory.recordIssued(token, completing: entry, at: addedAt, events: [])
        #expect(try await inventory.token(uuid: token.uuid) != nil)
        #expect(try await inventory.rotation(id: entry.id!)?.step == .done)
        #expect(try await inventory.unfinishedRotations().isEmpty)
    }

    @Test("every step and outcome value is accepted by the schema", arguments: Backend.allCases)
    func everyEnumValueFits(_ backend: Backend) async throws {
        let inventory = try await backend.open()
        for step in RotationStep.allCases {
            for outcome in RotationOutcome.allCases {
                var record = rotation(runID: nil, old: 1, started: "2026-02-01T12:00:00.000Z", step: step)
                record.outcome = outcome
                let id = try await inventory.insertRotation(record)
                #expect(try await inventory.rotation(id: id)?.step == step)
                #expect(try await inventory.rotation(id: id)?.outcome == outcome)
            }
        }
    }

    @Test(
        "saveRotation records progress but never the identity fixed at insert; unknown ids fail, change nothing",
        arguments: Backend.allCases)
    func saveRotation(_ backend: Backend) async throws {
        let inventory = try await backend.open()
        let id = try await inventory.insertRotation(
            rotation(runID: nil, old: 1, started: "2026-02-01T12:00:00.000Z"))
        var record = try #require(try await inventory.rotation(id: id))
        record.step = .uncertain
        record.outcome = .uncertain
        record.newName = "token-1"
        record.error = "the generate response was lost"
        try await inventory.saveRotation(record, at: instant("2026-02-01T12:01:00.000Z"))
        #expect(try await inventory.rotation(id: id) == record)

        var moved = record
        moved.controller = "elsewhere"
        moved.user = "mallory"
        moved.oldUUID = sampleUUID(9)
        moved.started = instant("2030-01-01T00:00:00.000Z")
        try await inventory.saveRotation(moved, at: instant("2026-02-01T12:02:00.000Z"))
        #expect(try await inventory.rotation(id: id) == record)

        record.id = 99
        try await inventory.expectFailure(.unknownRotation(99)) {
            try await inventory.saveRotation(record, at: addedAt)
        }
        try await inventory.expectFailure(.unknownRun(7)) {
            _ = try await inventory.insertRotation(rotation(runID: 7, old: 1, started: "2026-02-01T12:00:00.000Z"))
        }
    }

    @Test("unfinished rotations are those whose step is not final, oldest first", arguments: Backend.allCases)
    func unfinished(_ backend: Backend) async throws {
        let inventory = try await backend.open()
        for (offset, step) in RotationStep.allCases.enumerated() {
            let started = String(format: "2026-02-01T12:00:%02ld.000Z", 59 - offset)
            _ = try await inventory.insertRotation(rotation(runID: nil, old: offset, started: started, step: step))
        }
        let open = RotationStep.allCases.filter { !$0.isFinal }
        #expect(try await inventory.unfinishedRotations().map(\.step) == open.reversed())
    }

    @Test("history is newest first and filters by start and by token (old or new uuid)", arguments: Backend.allCases)
    func historyFilters(_ backend: Backend) async throws {
        let inventory = try await backend.open()
        let first = try await inventory.insertRotation(
            rotation(runID: nil, old: 1, started: "2026-01-01T00:00:00.000Z"))
        var minted = try #require(try await inventory.rotation(id: first))
        minted.step = .minted
        minted.newUUID = sampleUUID(2)
        try await inventory.saveRotation(minted, at: addedAt)
        let second = try await inventory.insertRotation(
            rotation(runID: nil, old: 2, started: "2026-01-15T00:00:00.000Z"))
        let third = try await inventory.insertRotation(
            rotation(runID: nil, old: 7, started: "2026-02-01T00:00:00.000Z"))

        #expect(try await inventory.history().map(\.id) == [third, second, first])
        #expect(try await inventory.history(since: instant("2026-01-15T00:00:00.000Z")).map(\.id) == [third, second])
        #expect(try await inventory.history(tokenUUID: sampleUUID(2).uppercased()).map(\.id) == [second, first])
        #expect(
            try await inventory.history(since: instant("2026-01-02T00:00:00.000Z"), tokenUUID: sampleUUID(2))
                .map(\.id) == [second])
        #expect(try await inventory.history(tokenUUID: sampleUUID(99)).isEmpty)
        #expect(try await inventory.history(limit: 1).map(\.id) == [third])
    }

    @Test("isKnownToken: inventory tokens and minted successors, not rolled-back ones", arguments: Backend.allCases)
    func knownTokens(_ backend: Backend) async throws {
        let inventory = try await backend.open()
        try await inventory.add(sampleToken(1), addedAt: addedAt)
        var kept = rotation(runID: nil, old: 1, started: "2026-02-01T12:00:00.000Z", step: .minted)
        kept.newUUID = sampleUUID(2)
        _ = try await inventory.insertRotation(kept)
        var undone = rotation(runID: nil, old: 1, started: "2026-02-01T12:00:00.000Z", step: .rolledBack)
        undone.newUUID = sampleUUID(3)
        _ = try await inventory.insertRotation(undone)
        #expect(try await inventory.isKnownToken(uuid: sampleUUID(1).uppercased()))
        #expect(try await inventory.isKnownToken(uuid: sampleUUID(2)))
        #expect(try await !inventory.isKnownToken(uuid: sampleUUID(3)))
        #expect(try await !inventory.isKnownToken(uuid: sampleUUID(4)))
    }

    @Test("a run starts, finishes with its counters, and lists newest first", arguments: Backend.allCases)
    func runs(_ backend: Backend) async throws {
        let inventory = try await backend.open()
        let first = try await inventory.startRun(
            RunEntry(started: instant("2026-02-01T00:00:00.000Z"), mode: "rotate"))
        let second = try await inventory.startRun(
            RunEntry(started: instant("2026-02-02T00:00:00.000Z"), mode: "revoke"),
            asOf: instant("2026-03-01T00:00:00.000Z"))
        let finished = instant("2026-02-01T00:05:00.000Z")
        try await inventory.finishRun(
            id: first, counts: RunCounts(rotated: 3, failed: 1, retired: 2, skipped: 4, uncertain: 1), exitCode: 1,
            finished: finished, events: [])
        let run = try #require(try await inventory.run(id: first))
        #expect(
            run
                == RunEntry(
                    id: first, started: instant("2026-02-01T00:00:00.000Z"), finished: finished, mode: "rotate",
                    rotated: 3, failed: 1, retired: 2, skipped: 4, uncertain: 1, exitCode: 1))
        #expect(try await inventory.lastRuns().map(\.id) == [second, first])
        #expect(try await inventory.lastRuns(limit: 1).map(\.id) == [second])
        try await inventory.expectFailure(.unknownRun(99)) {
            try await inventory.finishRun(id: 99, counts: RunCounts(), exitCode: 0, finished: finished, events: [])
        }
    }

    @Test(
        "events are appended, read back by run and by token, and can be neither updated nor deleted",
        arguments: Backend.allCases)
    func eventsAreAppendOnly(_ backend: Backend) async throws {
        let inventory = try await backend.open()
        let runID = try await inventory.startRun(
            RunEntry(started: addedAt, mode: "rotate"),
            events: [InventoryEvent(at: addedAt, kind: "run.started", message: "rotate run started")])
        let event = InventoryEvent(
            at: addedAt, runID: runID, controller: "ci-main", user: "alice", name: "ci", uuid: sampleUUID(1),
            kind: "token.revoked", message: "revoked after grace")
        let id = try await inventory.appendEvent(event)
        var expected = event
        expected.id = id
        let events = try await inventory.events(runID: runID)
        #expect(events.map(\.kind) == ["run.started", "token.revoked"])
        #expect(events.last == expected)
        #expect(try await inventory.events(tokenUUID: sampleUUID(1).uppercased()) == [expected])

        let before = try await inventory.dumpAllRows()
        var statements = [
            "UPDATE events SET message = 'edited'", "DELETE FROM events", "DELETE FROM events WHERE id = 1",
        ]
        if backend == .postgresql { statements.append("TRUNCATE events CASCADE") }
        for sql in statements {
            do {
                try await inventory.executeRawSQL(sql)
                Issue.record("\(sql) was allowed")
            } catch {
                #expect("\(error)".contains("append-only"), "\(error)")
            }
        }
        #expect(try await inventory.dumpAllRows() == before)
    }

    @Test("a rotation's events get its id, and a failing write appends no event", arguments: Backend.allCases)
    func eventsShareTheTransaction(_ backend: Backend) async throws {
        let inventory = try await backend.open()
        let runID = try await inventory.startRun(RunEntry(started: addedAt, mode: "rotate"))
        let id = try await inventory.insertRotation(
            rotation(runID: runID, old: 1, started: "2026-02-01T12:00:00.000Z"),
            events: [InventoryEvent(at: addedAt, runID: runID, kind: "rotation.planned", message: "planned")])
        #expect(try await inventory.events(runID: runID).map(\.rotationID) == [id])

        var unknown = rotation(runID: runID, old: 1, started: "2026-02-01T12:00:00.000Z", step: .done)
        unknown.id = 12345
        try await inventory.expectFailure(.unknownRotation(12345)) {
            try await inventory.saveRotation(
                unknown, at: addedAt,
                events: [InventoryEvent(at: addedAt, runID: runID, kind: "rotation.done", message: "done")])
        }
    }
}
