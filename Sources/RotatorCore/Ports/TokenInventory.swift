import Foundation

/// The inventory operations the rotation engine needs. Every method that changes something commits
/// durably before it returns, so the engine's next side effect always follows the record of the last one.
/// `InventoryStore.Inventory` implements it over SQLite.
public protocol TokenInventory: Sendable {
    func startRun(_ run: RunEntry, asOf: Date?, events: [InventoryEvent]) throws -> Int64
    func finishRun(id: Int64, counts: RunCounts, exitCode: Int, finished: Date, events: [InventoryEvent]) throws

    func forEachToken(includeRevoked: Bool, _ body: (InventoryToken) throws -> Void) throws
    /// Active tokens by `created`, oldest first, until `body` returns false.
    func forEachActiveTokenOldestFirst(_ body: (InventoryToken) throws -> Bool) throws
    func token(uuid: String) throws -> InventoryToken?
    /// Whether a uuid is a token of the inventory or one that a rotation recorded as minted.
    func isKnownToken(uuid: String) throws -> Bool
    func add(_ token: InventoryToken, addedAt: Date, events: [InventoryEvent]) throws
    func markRevoked(uuid: String, at: Date, events: [InventoryEvent]) throws

    func unfinishedRotations() throws -> [JournalEntry]
    func insertRotation(_ rotation: JournalEntry, events: [InventoryEvent]) throws -> Int64
    /// Records a journal row's progress (step, successor, outcome, error, end); its identity is fixed at insert.
    func saveRotation(_ rotation: JournalEntry, at: Date, events: [InventoryEvent]) throws
    /// One transaction: insert `successor`, retire or revoke the old token, close the journal row as done.
    func recordRotated(
        oldUUID: String, successor: InventoryToken, oldState: RetiredTokenState, rotatedAt: Date,
        completing rotationID: Int64?, events: [InventoryEvent]
    ) throws

    func appendEvent(_ event: InventoryEvent) throws -> Int64

    /// Runs `body`, whose writes all join one transaction: one durable commit for all, all or nothing.
    func inOneTransaction<T>(_ body: () throws -> T) throws -> T
}
