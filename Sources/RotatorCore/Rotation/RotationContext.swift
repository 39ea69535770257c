import Foundation
import Logging

/// What every rotation step needs from the world, shared by the rotations of one run.
public struct RotationContext: Sendable {
    public var policy: RotationPolicy
    /// Reads, and the bookkeeping of runs.
    public let inventory: any TokenInventory
    /// The durable record of every step (SPEC §4).
    public let journal: any RotationJournal
    public var sinks: any SinkProvider
    /// "Now": the wall clock, or the `--as-of` instant for every record of the run.
    public var now: @Sendable () -> Date
    public var logger: Logger
    public var runID: Int64?
    /// `rotate --grace`: overrides every rule's grace period for this run.
    public var graceOverride: TimeSpan?
    /// Claims on tokens when several rotators share the inventory; nil when one run at a time holds a lock.
    public var claims: (any TokenClaims)?
    /// How long a claim lasts: `limits.claim_lease`, unless a caller (a test) sets another.
    public var claimLease: TimeSpan

    public init(
        policy: RotationPolicy, inventory: any TokenInventory, journal: any RotationJournal, sinks: any SinkProvider,
        now: @escaping @Sendable () -> Date, logger: Logger, runID: Int64? = nil, graceOverride: TimeSpan? = nil
    ) {
        self.policy = policy
        self.inventory = inventory
        self.journal = journal
        self.sinks = sinks
        self.now = now
        self.logger = logger
        self.runID = runID
        self.graceOverride = graceOverride
        self.claimLease = policy.limits.claimLease
    }

    /// Commits a row's progress, with an event saying what happened.
    func save(_ entry: JournalEntry, _ message: String) async throws {
        try await journal.save(entry, at: now(), events: [event(for: entry, message)])
    }

    func event(for entry: JournalEntry, _ message: String, uuid: String? = nil) -> InventoryEvent {
        InventoryEvent(
            at: now(), runID: runID, rotationID: entry.id, controller: entry.controller, user: entry.user,
            name: entry.name, uuid: uuid ?? entry.oldUUID, kind: "rotation.\(entry.step.rawValue)", message: message)
    }

    /// An event about one token (outside a rotation's journal row).
    func event(for token: InventoryToken, kind: String, _ message: String) -> InventoryEvent {
        InventoryEvent(
            at: now(), runID: runID, controller: token.controller, user: token.user, name: token.name,
            uuid: token.uuid, kind: kind, message: message)
    }

    /// Marks a token revoked in Jenkins, with an event, in one transaction.
    func recordRevoked(_ token: InventoryToken, _ message: String) async throws {
        try await journal.markRevoked(
            uuid: token.uuid, at: now(), events: [event(for: token, kind: "token.revoked", message)])
    }

    func metadata(_ entry: JournalEntry) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "controller": "\(entry.controller)", "user": "\(entry.user)", "token": "\(entry.name)",
            "step": "\(entry.step.rawValue)",
        ]
        if let runID { metadata["run_id"] = "\(runID)" }
        if let id = entry.id { metadata["rotation_id"] = "\(id)" }
        if let old = entry.oldUUID { metadata["uuid"] = "\(old)" }
        if let new = entry.newUUID { metadata["new_uuid"] = "\(new)" }
        return metadata
    }

    // MARK: - Runs

    /// Runs `body` inside a run row: the row is started before (`rotate`, `issue` and `revoke` all come through
    /// here) and closed after with the summary's counts and exit code. Once the row exists tokens may change, so
    /// a failure is no longer "nothing changed" (exit 2) but a ``RotationRunError`` (exit 1).
    public func inRun(
        mode: String, _ body: (RotationContext) async throws -> RunSummary
    ) async throws -> RunSummary {
        var context = self
        let started = now()
        let runID = try await inventory.startRun(
            RunEntry(started: started, mode: mode), asOf: started,
            events: [InventoryEvent(at: started, kind: "run.started", message: mode)])
        context.runID = runID
        context.logger[metadataKey: "run_id"] = "\(runID)"
        do {
            var summary = try await body(context)
            summary.runID = runID
            let finished = now()
            try await inventory.finishRun(
                id: runID, counts: summary.counts, exitCode: summary.hasFailures ? 1 : 0, finished: finished,
                events: [InventoryEvent(at: finished, runID: runID, kind: "run.finished", message: mode)])
            try await claims?.releaseClaims(runID: runID)
            return summary
        } catch {
            throw RotationRunError(runID: runID, underlying: error)
        }
    }
}
