import Foundation

/// An inventory as the commands use it, whichever engine holds it (SPEC §8.11): `InventoryStore.Inventory` (SQLite,
/// the embedded default, one run at a time under a file lock) or `PostgresInventory` (shared by several rotators,
/// which divide the due tokens through ``claims``). Both keep the same tables, journal and guarantees, so every
/// command, output and exit code is the same over either. Methods are async so that the networked one never blocks
/// a thread; the SQLite one answers them synchronously.
public protocol InventoryDatabase: TokenInventory {
    /// What messages call the inventory: the SQLite file's path, or the URL without any password.
    var location: String { get }
    /// The id of the last applied migration.
    var schemaVersion: String { get async throws }

    /// The journal of a run's rotations: committed before each call returns (SPEC §4).
    func rotationJournal() -> any RotationJournal
    /// Claims that divide the due tokens between rotators sharing the inventory; nil when a run lock admits one
    /// run at a time (SQLite).
    var claims: (any TokenClaims)? { get }

    func add(_ token: InventoryToken, addedAt: Date, events: [InventoryEvent]) async throws
    /// All or nothing; a uuid already present fails the whole import naming its line in `source`.
    func importTokens(
        _ tokens: [ImportedToken], source: String?, addedAt: Date, events: [InventoryEvent],
        progress: (@Sendable (Int) -> Void)?
    ) async throws
    /// The tokens `next` gives until nil, all or nothing, one at a time in memory; an error `next` throws aborts
    /// the import. A uuid already present (an earlier row of the import included) fails it naming its line.
    /// `events(count)` are appended in the same transaction. Returns how many were imported.
    func importTokens(
        source: String?, addedAt: Date, progress: (@Sendable (Int) -> Void)?,
        events: (_ count: Int) -> [InventoryEvent], reading next: () throws -> ImportedToken?
    ) async throws -> Int
    func remove(uuid: String, events: [InventoryEvent]) async throws
    func markRevoked(uuid: String, at: Date, events: [InventoryEvent]) async throws
    func recordUsage(_ usages: [TokenUsage]) async throws
    func appendEvent(_ event: InventoryEvent) async throws -> Int64

    func tokens(includeRevoked: Bool) async throws -> [InventoryToken]
    func history(since: Date?, tokenUUID: String?, limit: Int?) async throws -> [JournalEntry]
    func lastRuns(limit: Int) async throws -> [RunEntry]

    /// Closes the connections or the file. Later calls fail.
    func close() async throws
}
