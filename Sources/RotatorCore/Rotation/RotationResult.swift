import Foundation

/// What happened to one token in a run (SPEC §2 rotate `results`).
public struct RotationResult: Sendable, Equatable {
    public var controller: String
    public var user: String
    public var name: String
    public var oldUUID: String?
    public var newUUID: String?
    public var outcome: RotationOutcome
    /// Why it failed, was skipped or needs attention; nil when all went well.
    public var error: String?

    public init(
        controller: String, user: String, name: String, oldUUID: String?, newUUID: String? = nil,
        outcome: RotationOutcome, error: String? = nil
    ) {
        self.controller = controller
        self.user = user
        self.name = name
        self.oldUUID = oldUUID
        self.newUUID = newUUID
        self.outcome = outcome
        self.error = error
    }

    /// Whether this result makes the run exit 1: a failure, a lost generate response, a rotation left
    /// in progress, or a rotation whose old token could not be revoked.
    public var needsAttention: Bool {
        switch outcome {
        case .failed, .uncertain, .inProgress: true
        case .rotated, .retired: error != nil
        case .skipped: false
        }
    }
}
