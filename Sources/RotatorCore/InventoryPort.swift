import Foundation

/// What becomes of the old token when its successor is recorded.
public enum RetiredTokenState: Sendable, Equatable {
    /// Still valid until the grace period ends, then revoked by a later run.
    case retiring(revokeAfter: Date)
    /// Revoked in Jenkins at this instant.
    case revoked(at: Date)
}

/// The counters of one run (SPEC §2 rotate JSON).
public struct RunCounts: Sendable, Equatable {
    public var rotated: Int
    public var failed: Int
    public var retired: Int
    public var skipped: Int
    public var uncertain: Int

    public init(rotated: Int = 0, failed: Int = 0, retired: Int = 0, skipped: Int = 0, uncertain: Int = 0) {
        self.rotated = rotated
        self.failed = failed
        self.retired = retired
        self.skipped = skipped
        self.uncertain = uncertain
    }
}

/// The inventory operations the rotation engine needs. Every method that changes something commits
/// durably before it returns, so the engine's next side effect always follows the record of the last one.
/// `InventoryStore.Inventory` implements it over SQLite.
public protocol TokenInventory: Sendable {
    func startRun(_ run: RunRecord, asOf: Date?, events: [InventoryEvent]) throws -> Int64
    func finishRun(id: Int64, counts: RunCounts, exitCode: Int, finished: Date, events: [InventoryEvent]) throws

    func forEachToken(includeRevoked: Bool, _ body: (TokenRecord) throws -> Void) throws
    /// Active tokens by `created`, oldest first, until `body` returns false.
    func forEachActiveTokenOldestFirst(_ body: (TokenRecord) throws -> Bool) throws
    func token(uuid: String) throws -> TokenRecord?
    /// Whether a uuid is a token of the inventory or one that a rotation recorded as minted.
    func isKnownToken(uuid: String) throws -> Bool
    func add(_ token: TokenRecord, addedAt: Date, events: [InventoryEvent]) throws
    func markRevoked(uuid: String, at: Date, events: [InventoryEvent]) throws

    func unfinishedRotations() throws -> [RotationRecord]
    func insertRotation(_ rotation: RotationRecord, events: [InventoryEvent]) throws -> Int64
    /// Records a journal row's progress (step, successor, outcome, error, end); its identity is fixed at insert.
    func saveRotation(_ rotation: RotationRecord, at: Date, events: [InventoryEvent]) throws
    /// One transaction: insert `successor`, retire or revoke the old token, close the journal row as done.
    func recordRotated(
        oldUUID: String, successor: TokenRecord, oldState: RetiredTokenState, rotatedAt: Date,
        completing rotationID: Int64?, events: [InventoryEvent]
    ) throws

    func appendEvent(_ event: InventoryEvent) throws -> Int64

    /// Runs `body`, whose writes all join one transaction: one durable commit for all, all or nothing.
    func inOneTransaction<T>(_ body: () throws -> T) throws -> T
}
