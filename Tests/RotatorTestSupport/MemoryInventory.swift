import Foundation
import Locking
import RotatorCore

/// The inventory and the rotation journal in memory. Every write is one numbered side effect of the
/// ``FakeWorld`` (a crash can strike before or after it); `failingWrites` makes chosen writes fail like a full disk.
public final class MemoryInventory: TokenInventory, RotationJournal, @unchecked Sendable {
    struct State {
        var tokens: [InventoryToken] = []
        var rotations: [JournalEntry] = []
        var runs: [RunEntry] = []
        var events: [InventoryEvent] = []
    }

    weak var world: FakeWorld?
    private let state = LockedValue(State())
    private let failing = LockedValue<@Sendable (String) -> Bool>({ _ in false })

    init() {}

    /// Writes whose description (`save minted`, `recordRotated`, …) matches fail from now on.
    public func failingWrites(_ rule: @escaping @Sendable (String) -> Bool) {
        failing.withLock { $0 = rule }
    }

    public struct WriteFailed: Error, CustomStringConvertible {
        public var description: String { "disk I/O error (fake)" }
    }

    private func write<T>(_ what: String, _ body: (inout State) throws -> T) throws -> T {
        try world!.effect("journal \(what)") {
            if failing.withLock({ $0 })(what) { throw WriteFailed() }
            return try state.withLock { try body(&$0) }
        }
    }

    // MARK: - Inspection

    public var tokens: [InventoryToken] { state.withLock { $0.tokens } }
    public var rotations: [JournalEntry] { state.withLock { $0.rotations } }
    public var events: [InventoryEvent] { state.withLock { $0.events } }
    public var runs: [RunEntry] { state.withLock { $0.runs } }

    public func add(_ token: InventoryToken) {
        state.withLock { $0.tokens.append(token) }
    }

    // MARK: - TokenInventory

    public func startRun(_ run: RunEntry, asOf: Date?, events: [InventoryEvent]) throws -> Int64 {
        try write("startRun") { state in
            var run = run
            run.id = Int64(state.runs.count + 1)
            state.runs.append(run)
            state.events += events
            return run.id!
        }
    }

    public func finishRun(id: Int64, counts: RunCounts, exitCode: Int, finished: Date, events: [InventoryEvent])
        throws
    {
        try write("finishRun") { state in
            state.runs[Int(id) - 1].finished = finished
            state.runs[Int(id) - 1].exitCode = exitCode
            state.events += events
        }
    }

    public func forEachToken(includeRevoked: Bool, _ body: (InventoryToken) throws -> Void) throws {
        let tokens = try world!.read { state.withLock { $0.tokens } }
        for token in tokens where includeRevoked || token.state != .revoked { try body(token) }
    }

    public func forEachActiveTokenOldestFirst(_ body: (InventoryToken) throws -> Bool) throws {
        let tokens = try world!.read { state.withLock { $0.tokens } }
        for token in tokens.filter({ $0.state == .active }).sorted(by: { $0.created < $1.created }) {
            guard try body(token) else { return }
        }
    }

    public func token(uuid: String) throws -> InventoryToken? {
        try world!.read { state.withLock { $0.tokens.first { $0.uuid == uuid } } }
    }

    public func isKnownToken(uuid: String) throws -> Bool {
        try world!.read {
            state.withLock { state in
                state.tokens.contains { $0.uuid == uuid }
                    || state.rotations.contains { $0.newUUID == uuid && $0.step != .rolledBack }
            }
        }
    }

    public func unfinishedRotations() throws -> [JournalEntry] {
        try world!.read { state.withLock { $0.rotations.filter { !$0.step.isFinal } } }
    }

    // MARK: - RotationJournal

    public func insert(_ entry: JournalEntry, events: [InventoryEvent]) async throws -> Int64 {
        try write("insert \(entry.step.rawValue)") { state in
            var entry = entry
            entry.id = Int64(state.rotations.count + 1)
            state.rotations.append(entry)
            state.events += events
            return entry.id!
        }
    }

    public func save(_ entry: JournalEntry, at: Date, events: [InventoryEvent]) async throws {
        try write("save \(entry.step.rawValue)") { state in
            guard let id = entry.id else { throw WriteFailed() }
            state.rotations[Int(id) - 1] = entry
            state.events += events
        }
    }

    public func recordRotated(
        oldUUID: String, successor: InventoryToken, oldState: RetiredTokenState, completing entry: JournalEntry,
        at: Date, events: [InventoryEvent]
    ) async throws {
        try write("recordRotated") { state in
            guard let index = state.tokens.firstIndex(where: { $0.uuid == oldUUID }) else { throw WriteFailed() }
            switch oldState {
            case .retiring(let deadline):
                state.tokens[index].state = .retiring
                state.tokens[index].revokeAfter = deadline
            case .revoked(let instant):
                state.tokens[index].state = .revoked
                state.tokens[index].revokedAt = instant
            }
            state.tokens[index].replacedBy = successor.uuid
            state.tokens.append(successor)
            if let id = entry.id { state.rotations[Int(id) - 1] = entry }
            state.events += events
        }
    }

    public func recordIssued(
        _ token: InventoryToken, completing entry: JournalEntry, at: Date, events: [InventoryEvent]
    ) async throws {
        try write("recordIssued") { state in
            state.tokens.append(token)
            if let id = entry.id { state.rotations[Int(id) - 1] = entry }
            state.events += events
        }
    }

    public func markRevoked(uuid: String, at: Date, events: [InventoryEvent]) async throws {
        try write("markRevoked") { state in
            guard let index = state.tokens.firstIndex(where: { $0.uuid == uuid }) else { throw WriteFailed() }
            state.tokens[index].state = .revoked
            state.tokens[index].revokedAt = at
            state.events += events
        }
    }

    public func append(_ events: [InventoryEvent]) async throws {
        try write("append") { $0.events += events }
    }
}
