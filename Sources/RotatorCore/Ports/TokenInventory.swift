import Foundation

/// What the rotation engine reads from the inventory, and the bookkeeping of runs. The journal of the rotations
/// themselves goes through ``RotationJournal``. `InventoryStore.Inventory` implements it over SQLite.
public protocol TokenInventory: Sendable {
    func startRun(_ run: RunEntry, asOf: Date?, events: [InventoryEvent]) throws -> Int64
    func finishRun(id: Int64, counts: RunCounts, exitCode: Int, finished: Date, events: [InventoryEvent]) throws

    func forEachToken(includeRevoked: Bool, _ body: (InventoryToken) throws -> Void) throws
    /// Active tokens by `created`, oldest first, until `body` returns false.
    func forEachActiveTokenOldestFirst(_ body: (InventoryToken) throws -> Bool) throws
    func token(uuid: String) throws -> InventoryToken?
    /// Whether a uuid is a token of the inventory or one that a rotation recorded as minted.
    func isKnownToken(uuid: String) throws -> Bool
    func unfinishedRotations() throws -> [JournalEntry]
}
