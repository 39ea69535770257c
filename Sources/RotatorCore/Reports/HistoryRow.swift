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
            .text(rotation.reportedOutcome.rawValue), .instant(rotation.started),
            .optionalInstant(rotation.finished), .optionalText(rotation.error),
        ]
    }
}
