import Foundation

/// The journal steps of one rotation (SPEC §4). Each step is committed before the next side effect.
public enum RotationStep: String, Sendable, Codable, CaseIterable {
    /// Chosen by the planner; nothing sent yet.
    case planned
    /// The generate request is about to be sent under `newName`. A rotation found here by a later
    /// run had its response lost: it is `uncertain` until the security page is read.
    case generating
    /// Jenkins answered: `newUuid` and `newFingerprint` are recorded.
    case minted
    /// Every sink holds the new value.
    case delivered
    /// The new value authenticated as the same user.
    case verified
    /// The old token is retiring (grace period) or revoked; the rotation is complete.
    case done
    /// Nothing changed in service: the old token still works and any minted token was revoked.
    case failed
    /// A minted token was revoked again after a failed delivery or verification.
    case rolledBack = "rolled_back"
    /// A generate whose response was lost, and the security page could not settle it.
    case uncertain

    /// True for the steps a rotation ends in.
    public var isFinal: Bool {
        switch self {
        case .done, .failed, .rolledBack: true
        default: false
        }
    }
}

/// What a rotation (or retirement) came to, as reported by `rotate` and `history` (SPEC §7).
public enum RotationOutcome: String, Sendable, Codable, CaseIterable {
    case rotated
    case retired
    case failed
    case uncertain
    case inProgress = "in_progress"
    case skipped
}

/// One journal row.
public struct RotationRecord: Sendable, Equatable, Codable {
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

/// One invocation of a command that changes things (`rotate`, `issue`, `revoke`).
public struct RunRecord: Sendable, Equatable, Codable {
    public var id: Int64?
    public var started: Date
    public var finished: Date?
    /// `rotate`, `issue`, `revoke`, …
    public var mode: String
    public var rotated: Int
    public var failed: Int
    public var retired: Int
    public var skipped: Int
    public var uncertain: Int
    public var exitCode: Int?

    public init(
        id: Int64? = nil, started: Date, finished: Date? = nil, mode: String, rotated: Int = 0,
        failed: Int = 0, retired: Int = 0, skipped: Int = 0, uncertain: Int = 0, exitCode: Int? = nil
    ) {
        self.id = id
        self.started = started
        self.finished = finished
        self.mode = mode
        self.rotated = rotated
        self.failed = failed
        self.retired = retired
        self.skipped = skipped
        self.uncertain = uncertain
        self.exitCode = exitCode
    }
}

/// An append-only record of one thing that happened. Never holds a secret.
public struct InventoryEvent: Sendable, Equatable, Codable {
    public var id: Int64?
    public var at: Date
    public var runID: Int64?
    public var rotationID: Int64?
    public var controller: String?
    public var user: String?
    public var name: String?
    public var uuid: String?
    /// A short machine-readable kind: `token.added`, `rotation.minted`, `token.revoked`, …
    public var kind: String
    public var message: String

    public init(
        id: Int64? = nil, at: Date, runID: Int64? = nil, rotationID: Int64? = nil, controller: String? = nil,
        user: String? = nil, name: String? = nil, uuid: String? = nil, kind: String, message: String
    ) {
        self.id = id
        self.at = at
        self.runID = runID
        self.rotationID = rotationID
        self.controller = controller
        self.user = user
        self.name = name
        self.uuid = uuid
        self.kind = kind
        self.message = message
    }
}
