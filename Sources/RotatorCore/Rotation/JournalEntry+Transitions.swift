import Foundation

/// A move the rotation state machine does not allow (a bug, never a user error).
public struct IllegalTransition: Error, CustomStringConvertible {
    public var from: RotationStep
    public var to: RotationStep

    public var description: String {
        "internal error: a rotation cannot move from step \(from.rawValue) to \(to.rawValue)"
    }
}

extension RotationStep {
    /// The steps a rotation may move to from this one (SPEC §4). Final steps allow none.
    public var successors: Set<RotationStep> {
        switch self {
        case .planned: [.generating, .failed]
        // Minted; refused (nothing minted); response lost; a lost response settled by the security page.
        case .generating: [.minted, .failed, .uncertain, .rolledBack]
        case .uncertain: [.uncertain, .failed, .rolledBack]
        case .minted: [.delivered, .rolledBack]
        case .delivered: [.verified, .rolledBack]
        // A verified successor is kept whatever happens next: only the old token is left to retire.
        case .verified: [.done]
        case .done, .failed, .rolledBack: []
        }
    }
}

/// The transitions of one rotation's journal row. Each refuses a move the state machine does not allow, so a
/// step is set in one place; the engine decides which of them to commit before its next side effect.
extension JournalEntry {
    private mutating func move(to step: RotationStep) throws(IllegalTransition) {
        guard self.step.successors.contains(step) else { throw IllegalTransition(from: self.step, to: step) }
        self.step = step
    }

    /// The generate request is about to be sent under `name`.
    public mutating func beginGenerating(name: String) throws(IllegalTransition) {
        try move(to: .generating)
        newName = name
    }

    /// Jenkins answered the generate request.
    public mutating func minted(uuid: String, fingerprint: String) throws(IllegalTransition) {
        try move(to: .minted)
        newUUID = uuid
        newFingerprint = fingerprint
        outcome = nil
        error = nil
    }

    /// Every sink holds the new value.
    public mutating func delivered() throws(IllegalTransition) {
        try move(to: .delivered)
    }

    /// The new value authenticated as the same user (or `verify: false`).
    public mutating func verified() throws(IllegalTransition) {
        try move(to: .verified)
    }

    /// The successor is in service; `note` says what still needs a later run (an old token not yet revoked).
    public mutating func done(at instant: Date, note: String? = nil) throws(IllegalTransition) {
        try move(to: .done)
        outcome = .rotated
        error = note
        finished = instant
    }

    /// Nothing was minted, or nothing minted is left: the old token is untouched.
    public mutating func fail(_ reason: String, at instant: Date) throws(IllegalTransition) {
        try move(to: .failed)
        outcome = .failed
        error = reason
        finished = instant
    }

    /// The generate response was lost and cannot be settled yet.
    public mutating func uncertain(_ reason: String) throws(IllegalTransition) {
        try move(to: .uncertain)
        outcome = .uncertain
        error = reason
    }

    /// A minted token is being undone: the step stays, the outcome says so. A run that finds a row like this
    /// finishes the rollback and never goes forward.
    public mutating func beginRollback(_ reason: String) throws(IllegalTransition) {
        guard step == .minted || step == .delivered else { throw IllegalTransition(from: step, to: .rolledBack) }
        outcome = .failed
        error = reason
    }

    /// Whether ``beginRollback(_:)`` was recorded and the rollback is not finished.
    public var isRollingBack: Bool { (step == .minted || step == .delivered) && outcome == .failed }

    /// A rollback that cannot finish without emptying a sink is given up: the rotation goes forward again.
    public mutating func abandonRollback(_ reason: String) throws(IllegalTransition) {
        guard isRollingBack else { throw IllegalTransition(from: step, to: step) }
        park(reason)
    }

    /// Where the row stopped, as the recovery decision reads it. `delivered` is never committed on its own (a row
    /// found there is one that crashed mid-delivery), so it reads like `minted`.
    public var recoveryPhase: RecoveryDecision.Phase {
        switch step {
        case .planned: .planned
        case .generating, .uncertain: .lostGenerate
        case .minted, .delivered: isRollingBack ? .rollingBack : .minted
        case .verified: .verified
        case .done, .failed, .rolledBack: .finished
        }
    }

    /// The minted token was revoked again (confirmed dead); the old token stays in service.
    public mutating func rolledBack(_ reason: String, at instant: Date) throws(IllegalTransition) {
        try move(to: .rolledBack)
        outcome = .failed
        error = reason
        finished = instant
    }

    /// Left for the next run to resume from this step: the step stays, the outcome is `in_progress`.
    public mutating func park(_ reason: String) {
        outcome = .inProgress
        error = reason
    }

    /// What a row stands for in `rotate` results and `history`: the recorded outcome, or the one its step implies.
    public var reportedOutcome: RotationOutcome {
        if let outcome { return outcome }
        switch step {
        case .done: return .rotated
        case .failed, .rolledBack: return .failed
        case .uncertain, .generating: return .uncertain
        case .planned, .minted, .delivered, .verified: return .inProgress
        }
    }

    /// The row as a `rotate` result.
    public var result: RotationResult {
        RotationResult(
            controller: controller, user: user, name: name, oldUUID: oldUUID, newUUID: newUUID,
            outcome: reportedOutcome, error: error)
    }
}
