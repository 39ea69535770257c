import Foundation
import Logging

/// What every rotation step needs from the world, shared by the rotations of one run.
public struct RotationContext: Sendable {
    public var policy: RotationPolicy
    public let inventory: any TokenInventory
    /// Commits the journal writes of the run's rotations (group commit on a dedicated thread).
    let journal: JournalWriter
    public var sinks: any SinkProvider
    /// "Now": the wall clock, or the `--as-of` instant for every record of the run.
    public var now: @Sendable () -> Date
    public var logger: Logger
    public var runID: Int64?
    /// `rotate --grace`: overrides every rule's grace period for this run.
    public var graceOverride: TimeSpan?

    public init(
        policy: RotationPolicy, inventory: any TokenInventory, sinks: any SinkProvider,
        now: @escaping @Sendable () -> Date, logger: Logger, runID: Int64? = nil, graceOverride: TimeSpan? = nil
    ) {
        self.policy = policy
        self.inventory = inventory
        journal = JournalWriter(inventory: inventory)
        self.sinks = sinks
        self.now = now
        self.logger = logger
        self.runID = runID
        self.graceOverride = graceOverride
    }

    /// Runs an inventory write and returns once it is durably committed (see ``JournalWriter``).
    func write<T: Sendable>(_ body: @escaping @Sendable (any TokenInventory) throws -> T) async throws -> T {
        try await journal.write(body)
    }

    /// Records a journal step durably, with an event saying what happened.
    func record(_ rotation: JournalEntry, _ message: String) async throws {
        let event = event(for: rotation, message)
        let at = now()
        try await write { try $0.saveRotation(rotation, at: at, events: [event]) }
    }

    func event(for rotation: JournalEntry, _ message: String, uuid: String? = nil) -> InventoryEvent {
        InventoryEvent(
            at: now(), runID: runID, rotationID: rotation.id, controller: rotation.controller, user: rotation.user,
            name: rotation.name, uuid: uuid ?? rotation.oldUUID, kind: "rotation.\(rotation.step.rawValue)",
            message: message)
    }

    /// An event about one token (outside a rotation's journal row).
    func event(for token: InventoryToken, kind: String, _ message: String) -> InventoryEvent {
        InventoryEvent(
            at: now(), runID: runID, controller: token.controller, user: token.user, name: token.name,
            uuid: token.uuid, kind: kind, message: message)
    }

    /// Marks a token revoked in Jenkins, with an event, in one transaction.
    func recordRevoked(_ token: InventoryToken, _ message: String) async throws {
        let event = event(for: token, kind: "token.revoked", message)
        let at = now()
        try await write { try $0.markRevoked(uuid: token.uuid, at: at, events: [event]) }
    }

    func metadata(_ rotation: JournalEntry) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "controller": "\(rotation.controller)", "user": "\(rotation.user)", "token": "\(rotation.name)",
            "step": "\(rotation.step.rawValue)",
        ]
        if let runID { metadata["run_id"] = "\(runID)" }
        if let id = rotation.id { metadata["rotation_id"] = "\(id)" }
        if let old = rotation.oldUUID { metadata["uuid"] = "\(old)" }
        if let new = rotation.newUUID { metadata["new_uuid"] = "\(new)" }
        return metadata
    }
}
