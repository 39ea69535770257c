import Foundation

/// What the rotation engine reads from the inventory, and the bookkeeping of runs. The journal of the rotations
/// themselves goes through ``RotationJournal``. `InventoryStore.Inventory` implements it over SQLite; the methods
/// are async so that a networked store (PostgreSQL) can implement them without blocking a thread.
public protocol TokenInventory: Sendable {
    func startRun(_ run: RunEntry, asOf: Date?, events: [InventoryEvent]) async throws -> Int64
    func finishRun(id: Int64, counts: RunCounts, exitCode: Int, finished: Date, events: [InventoryEvent]) async throws

    func forEachToken(includeRevoked: Bool, _ body: (InventoryToken) throws -> Void) async throws
    /// Active tokens by `created`, oldest first, until `body` returns false.
    func forEachActiveTokenOldestFirst(_ body: (InventoryToken) throws -> Bool) async throws
    func token(uuid: String) async throws -> InventoryToken?
    /// Whether a uuid is a token of the inventory or one that a rotation recorded as minted.
    func isKnownToken(uuid: String) async throws -> Bool
    func unfinishedRotations() async throws -> [JournalEntry]
}
