import Foundation

/// A `history` row (SPEC §2).
public struct HistoryRow: OutputRow, Equatable {
    public var rotation: JournalEntry

    public init(_ rotation: JournalEntry) {
        self.rotation = rotation
    }

    public static let columns = [
        "rotation_id", "run_id", "controller", "user", "name", "old_uuid", "new_uuid", "new_name", "step", "outcome",
        "started", "finished", "error",
    ]

    public var fields: [FieldValue] {
        [
            .optionalInteger(rotation.id), .optionalInteger(rotation.runID), .text(rotation.controller),
            .text(rotation.user), .text(rotation.name), .optionalText(rotation.oldUUID),
            .optionalText(rotation.newUUID),
            .optionalText(rotation.newName), .text(rotation.step.rawValue),
            .text((rotation.outcome ?? Self.outcome(of: rotation.step)).rawValue), .instant(rotation.started),
            .optionalInstant(rotation.finished), .optionalText(rotation.error),
        ]
    }

    /// The outcome a journal step stands for when none was recorded yet.
    public static func outcome(of step: RotationStep) -> RotationOutcome {
        switch step {
        case .done: .rotated
        case .failed, .rolledBack: .failed
        case .uncertain, .generating: .uncertain
        case .planned, .minted, .delivered, .verified: .inProgress
        }
    }
}
