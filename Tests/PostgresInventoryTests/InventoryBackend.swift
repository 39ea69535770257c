import Foundation
@_spi(Testing) import InventoryStore
@_spi(Testing) import PostgresInventory
import PostgresTestSupport
import RotatorCore
import RotatorTestSupport
import Testing

/// The two inventory backends, for suites that run the same checks over both (`arguments: Backend.allCases`).
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgresql

    var testDescription: String { rawValue }

    /// A fresh, empty, migrated inventory: SQLite in memory, or a new database on the test cluster.
    func open() async throws -> any InventoryUnderTest {
        switch self {
        case .sqlite: try Inventory.inMemory()
        case .postgresql: try await PostgresCluster.freshInventory()
        }
    }
}

/// What both backends have in common, as the tests use it: the SQLite `Inventory`'s API, async.
protocol InventoryUnderTest: Sendable {
    func add(_ token: InventoryToken, addedAt: Date, events: [InventoryEvent]) async throws
    func importTokens(_ tokens: [ImportedToken], source: String?, addedAt: Date) async throws
    func remove(uuid: String, events: [InventoryEvent]) async throws
    func token(uuid: String) async throws -> InventoryToken?
    func tokens(includeRevoked: Bool) async throws -> [InventoryToken]
    func tokens(controller: String, user: String, name: String) async throws -> [InventoryToken]
    func recordRotated(
        oldUUID: String, successor: InventoryToken, oldState: RetiredTokenState, rotatedAt: Date,
        completing rotationID: Int64?, note: String?, events: [InventoryEvent]) async throws
    func recordIssued(_ token: InventoryToken, completing entry: JournalEntry, at: Date, events: [InventoryEvent])
        async throws
    func markRevoked(uuid: String, at: Date, events: [InventoryEvent]) async throws

    func insertRotation(_ rotation: JournalEntry, events: [InventoryEvent]) async throws -> Int64
    func saveRotation(_ rotation: JournalEntry, at: Date, events: [InventoryEvent]) async throws
    func rotation(id: Int64) async throws -> JournalEntry?
    func unfinishedRotations() async throws -> [JournalEntry]
    func history(since: Date?, tokenUUID: String?, limit: Int?) async throws -> [JournalEntry]
    func isKnownToken(uuid: String) async throws -> Bool

    func startRun(_ run: RunEntry, asOf: Date?, events: [InventoryEvent]) async throws -> Int64
    func finishRun(id: Int64, counts: RunCounts, exitCode: Int, finished: Date, events: [InventoryEvent])
        async throws
    func run(id: Int64) async throws -> RunEntry?
    func lastRuns(limit: Int) async throws -> [RunEntry]

    func appendEvent(_ event: InventoryEvent) async throws -> Int64
    func events(runID: Int64) async throws -> [InventoryEvent]
    func events(tokenUUID: String) async throws -> [InventoryEvent]

    func executeRawSQL(_ sql: String) async throws
    func dumpAllRows() async throws -> String
    /// What the backend's errors name it by (a path, or a URL without password).
    var name: String { get }
    /// The backend's error, in the terms the tests compare.
    func failure(_ error: any Error) -> StoreFailure?
}

/// The errors both backends report, without the backend's own name for itself.
enum StoreFailure: Equatable {
    case duplicateUUID(uuid: String, existing: String)
    case importedUUIDExists(source: String?, line: Int, uuid: String, existing: String)
    case importedUUIDRepeated(source: String?, line: Int, uuid: String, firstLine: Int)
    case unknownUUID(String)
    case unknownRotation(Int64)
    case unknownRun(Int64)
    case other(String)
}

extension InventoryUnderTest {
    func add(_ token: InventoryToken, addedAt: Date) async throws {
        try await add(token, addedAt: addedAt, events: [])
    }
    func tokens() async throws -> [InventoryToken] { try await tokens(includeRevoked: false) }
    func recordRotated(
        oldUUID: String, successor: InventoryToken, oldState: RetiredTokenState, rotatedAt: Date,
        completing rotationID: Int64? = nil, events: [InventoryEvent] = []
    ) async throws {
        try await recordRotated(
            oldUUID: oldUUID, successor: successor, oldState: oldState, rotatedAt: rotatedAt, completing: rotationID,
            note: nil, events: events)
    }
    func markRevoked(uuid: String, at: Date) async throws { try await markRevoked(uuid: uuid, at: at, events: []) }
    func insertRotation(_ rotation: JournalEntry) async throws -> Int64 {
        try await insertRotation(rotation, events: [])
    }
    func saveRotation(_ rotation: JournalEntry, at: Date) async throws {
        try await saveRotation(rotation, at: at, events: [])
    }
    func history(since: Date? = nil, tokenUUID: String? = nil, limit: Int? = nil) async throws -> [JournalEntry] {
        try await history(since: since, tokenUUID: tokenUUID, limit: limit)
    }
    func startRun(_ run: RunEntry, asOf: Date? = nil, events: [InventoryEvent] = []) async throws -> Int64 {
        try await startRun(run, asOf: asOf, events: events)
    }
    func lastRuns() async throws -> [RunEntry] { try await lastRuns(limit: 20) }

    /// Expects `body` to fail with `expected`, and to change nothing.
    func expectFailure(
        _ expected: StoreFailure, sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () async throws -> Void
    ) async throws {
        let before = try await dumpAllRows()
        do {
            try await body()
            Issue.record("expected \(expected), but nothing failed", sourceLocation: sourceLocation)
        } catch {
            #expect(failure(error) == expected, "\(error)", sourceLocation: sourceLocation)
        }
        #expect(try await dumpAllRows() == before, "the failed write changed the data", sourceLocation: sourceLocation)
    }
}

extension Inventory: InventoryUnderTest {
    func importTokens(_ tokens: [ImportedToken], source: String?, addedAt: Date) async throws {
        try importTokens(tokens, source: source, addedAt: addedAt, events: [], progress: nil)
    }
    var name: String { path }

    func failure(_ error: any Error) -> StoreFailure? {
        guard let error = error as? InventoryError else { return nil }
        switch error {
        case .duplicateUUID(_, let uuid, let existing): return .duplicateUUID(uuid: uuid, existing: existing)
        case .importedUUIDExists(_, let source, let line, let uuid, let existing):
            return .importedUUIDExists(source: source, line: line, uuid: uuid, existing: existing)
        case .importedUUIDRepeated(let source, let line, let uuid, let firstLine):
            return .importedUUIDRepeated(source: source, line: line, uuid: uuid, firstLine: firstLine)
        case .unknownUUID(_, let uuid): return .unknownUUID(uuid)
        case .unknownRotation(_, let id): return .unknownRotation(id)
        case .unknownRun(_, let id): return .unknownRun(id)
        default: return .other(error.description)
        }
    }
}

extension PostgresInventory: InventoryUnderTest {
    func importTokens(_ tokens: [ImportedToken], source: String?, addedAt: Date) async throws {
        try await importTokens(tokens, source: source, addedAt: addedAt, events: [], progress: nil)
    }
    var name: String { location }

    func failure(_ error: any Error) -> StoreFailure? {
        guard let error = error as? PostgresInventoryError else { return nil }
        switch error {
        case .duplicateUUID(_, let uuid, let existing): return .duplicateUUID(uuid: uuid, existing: existing)
        case .importedUUIDExists(_, let source, let line, let uuid, let existing):
            return .importedUUIDExists(source: source, line: line, uuid: uuid, existing: existing)
        case .importedUUIDRepeated(let source, let line, let uuid, let firstLine):
            return .importedUUIDRepeated(source: source, line: line, uuid: uuid, firstLine: firstLine)
        case .unknownUUID(_, let uuid): return .unknownUUID(uuid)
        case .unknownRotation(_, let id): return .unknownRotation(id)
        case .unknownRun(_, let id): return .unknownRun(id)
        default: return .other(error.description)
        }
    }
}

// MARK: - Sample data
