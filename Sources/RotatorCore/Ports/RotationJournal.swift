import Foundation

/// The durable record of rotations in flight (SPEC §4): every method returns only once what it wrote is
/// committed, so the engine's next side effect always follows the record of the last one.
///
/// `InventoryStore.GroupCommitJournal` implements it over SQLite, committing the writes of concurrent rotations
/// together on a thread of its own; tests use an in-memory fake. The engine never waits on a disk itself.
public protocol RotationJournal: Sendable {
    /// Starts a journal row and returns its id. Events without a rotation id get the new one.
    func insert(_ entry: JournalEntry, events: [InventoryEvent]) async throws -> Int64

    /// Records a row's progress (step, successor, outcome, error, end); its identity is fixed at insert.
    func save(_ entry: JournalEntry, at: Date, events: [InventoryEvent]) async throws

    /// One transaction: insert `successor`, retire or revoke the old token, close the row as `done` (with the row's
    /// `error` as a note). A resumed run never repeats it: a successor already in the inventory means done.
    func recordRotated(
        oldUUID: String, successor: InventoryToken, oldState: RetiredTokenState, completing entry: JournalEntry,
        at: Date, events: [InventoryEvent]
    ) async throws

    /// One transaction: insert the token `issue` minted and close its row as `done`.
    func recordIssued(_ token: InventoryToken, completing entry: JournalEntry, at: Date, events: [InventoryEvent])
        async throws

    /// Marks a token revoked in Jenkins.
    func markRevoked(uuid: String, at: Date, events: [InventoryEvent]) async throws

    /// Appends events that change no row (a failed retirement, say).
    func append(_ events: [InventoryEvent]) async throws
}
