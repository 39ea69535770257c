import Foundation
import InventoryStore
import RotatorCore
import Testing

@Suite("Group commit")
struct GroupCommitTests {
    static func token(_ uuid: String) -> TokenRecord {
        TokenRecord(
            controller: "ci", user: "alice", name: "t-\(uuid.prefix(4))", uuid: uuid,
            created: Date(timeIntervalSince1970: 1_767_571_200))
    }

    @Test("writes inside one commit succeed or fail one by one, and reads see the batch so far")
    func savepoints() throws {
        let inventory = try Inventory.inMemory()
        let first = "0b6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e10"
        let second = "1c6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e11"
        var duplicateError: (any Error)?
        var seenInside: TokenRecord?
        try inventory.inOneCommit {
            try inventory.add(Self.token(first), addedAt: Date(), events: [])
            do {
                try inventory.add(Self.token(first), addedAt: Date(), events: [])
            } catch {
                duplicateError = error
            }
            seenInside = try inventory.token(uuid: first)
            try inventory.add(Self.token(second), addedAt: Date(), events: [])
        }
        #expect(duplicateError is InventoryError)
        #expect(seenInside?.uuid == first)
        #expect(try inventory.tokens().map(\.uuid).sorted() == [first, second])
    }

    @Test("an error that escapes the batch commits nothing")
    func allOrNothingOnEscape() throws {
        let inventory = try Inventory.inMemory()
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try inventory.inOneCommit {
                try inventory.add(Self.token("2d6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e12"), addedAt: Date(), events: [])
                throw Stop()
            }
        }
        #expect(try inventory.tokens().isEmpty)
        // The inventory is usable again afterwards, outside any batch.
        try inventory.add(Self.token("3e6d1c2e-1f0a-4c8e-9a53-3f1d2b7c9e13"), addedAt: Date(), events: [])
        #expect(try inventory.tokens().count == 1)
    }
}
