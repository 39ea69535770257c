import Dispatch
import Foundation
import RotatorTestSupport
import Testing

@testable import InventoryStore
@testable import RotatorCore

/// The rotation engine's group commit, against the real SQLite store.
@Suite("Group commit of journal writes")
struct JournalWriterTests {
    private func planned(_ number: Int) -> JournalEntry {
        JournalEntry(
            runID: nil, controller: "ci-main", user: "user\(number)", name: "ci", oldUUID: sampleUUID(number),
            step: .generating, started: addedAt)
    }

    @Test("concurrent writes all commit, each returning its own result")
    func concurrentWrites() async throws {
        let inventory = try Inventory.inMemory()
        let writer = JournalWriter(inventory: inventory)
        let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
            for number in 1...40 {
                let record = planned(number)
                group.addTask { try await writer.write { try $0.insertRotation(record, events: []) } }
            }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        #expect(Set(ids).count == 40)
        #expect(Set(try inventory.history().compactMap(\.id)) == Set(ids))
    }

    @Test("writes queued behind a commit share the next one; a failing write fails alone")
    func failingWriteInAGroup() async throws {
        let inventory = try Inventory.inMemory()
        let writer = JournalWriter(inventory: inventory)
        // The first write holds the writer's thread until the others are queued, so they form one group.
        let running = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let first = planned(1)
        let blocking = Task {
            try await writer.write { inventory in
                running.signal()
                release.wait()
                return try inventory.insertRotation(first, events: [])
            }
        }
        while running.wait(timeout: .now()) == .timedOut { try await Task.sleep(for: .milliseconds(5)) }
        var unknownRow = planned(2)
        unknownRow.id = 12345
        let unknown = unknownRow
        let failing = Task { try await writer.write { try $0.saveRotation(unknown, at: addedAt, events: []) } }
        let others = (3...6).map { number in
            let record = planned(number)
            return Task { try await writer.write { try $0.insertRotation(record, events: []) } }
        }
        while writer.waitingWrites < 5 { try await Task.sleep(for: .milliseconds(5)) }
        release.signal()

        _ = try await blocking.value
        await #expect(throws: InventoryError.unknownRotation(path: ":memory:", id: 12345)) {
            try await failing.value
        }
        var ids: [Int64] = []
        for task in others { ids.append(try await task.value) }
        let stored = try inventory.history().filter { ids.contains($0.id ?? -1) }
        #expect(stored.map(\.user).sorted() == ["user3", "user4", "user5", "user6"])
    }
}
