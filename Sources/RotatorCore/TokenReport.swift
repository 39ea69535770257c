import Foundation

/// A `report` and `inventory list` row (SPEC §2).
public struct TokenReportRow: OutputRecord, Equatable {
    public var assessment: TokenAssessment

    public init(_ assessment: TokenAssessment) {
        self.assessment = assessment
    }

    public static let columns = [
        "controller", "user", "name", "uuid", "created", "age_seconds", "state", "max_age_seconds", "due",
        "overdue", "last_rotated", "fingerprint",
    ]

    public var fields: [FieldValue] {
        let token = assessment.token
        let hasPolicy = assessment.rule != nil
        return [
            .text(token.controller), .text(token.user), .text(token.name), .text(token.uuid), .instant(token.created),
            .integer(assessment.age.seconds), .text(token.state.rawValue),
            .optionalInteger(assessment.maxAge?.seconds), .optionalInstant(assessment.due),
            hasPolicy ? .bool(assessment.overdue) : .null, .optionalInstant(token.lastRotated),
            .optionalText(token.fingerprint),
        ]
    }
}

/// An `audit` (and `rotate --dry-run`) row (SPEC §2).
public struct AuditRow: OutputRecord, Equatable {
    public var entry: PlanEntry

    public init(_ entry: PlanEntry) {
        self.entry = entry
    }

    public static let columns = [
        "controller", "user", "name", "uuid", "created", "age_seconds", "state", "due", "overdue", "action",
        "reason", "rule",
    ]

    public var fields: [FieldValue] {
        let token = entry.token
        return [
            .text(token.controller), .text(token.user), .text(token.name), .text(token.uuid), .instant(token.created),
            .integer(entry.assessment.age.seconds), .text(token.state.rawValue),
            .optionalInstant(entry.assessment.due), .bool(entry.assessment.overdue), .text(entry.action.rawValue),
            .text(entry.reason), .text(entry.ruleLabel),
        ]
    }
}

/// A `history` row (SPEC §2).
public struct HistoryRow: OutputRecord, Equatable {
    public var rotation: RotationRecord

    public init(_ rotation: RotationRecord) {
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

/// One entry of `rotate`'s `results` (SPEC §2).
public struct RotationResultRow: OutputRecord, Equatable {
    public var result: RotationResult

    public init(_ result: RotationResult) {
        self.result = result
    }

    public static let columns = ["controller", "user", "name", "old_uuid", "new_uuid", "outcome", "error"]

    public var fields: [FieldValue] {
        [
            .text(result.controller), .text(result.user), .text(result.name), .optionalText(result.oldUUID),
            .optionalText(result.newUUID), .text(result.outcome.rawValue), .optionalText(result.error),
        ]
    }
}
