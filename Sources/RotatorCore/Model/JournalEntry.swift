import Foundation

/// One journal row.
public struct JournalEntry: Sendable, Equatable, Codable {
    public var id: Int64?
    public var runID: Int64?
    public var controller: String
    public var user: String
    /// The name of the token being replaced.
    public var name: String
    public var oldUUID: String?
    /// The name the successor was (or is being) minted under.
    public var newName: String?
    public var newUUID: String?
    public var newFingerprint: String?
    public var step: RotationStep
    public var outcome: RotationOutcome?
    public var started: Date
    public var finished: Date?
    public var error: String?

    public init(
        id: Int64? = nil, runID: Int64?, controller: String, user: String, name: String,
        oldUUID: String?, newName: String? = nil, newUUID: String? = nil, newFingerprint: String? = nil,
        step: RotationStep = .planned, outcome: RotationOutcome? = nil, started: Date,
        finished: Date? = nil, error: String? = nil
    ) {
        self.id = id
        self.runID = runID
        self.controller = controller
        self.user = user
        self.name = name
        self.oldUUID = oldUUID
        self.newName = newName
        self.newUUID = newUUID
        self.newFingerprint = newFingerprint
        self.step = step
        self.outcome = outcome
        self.started = started
        self.finished = finished
        self.error = error
    }
}
