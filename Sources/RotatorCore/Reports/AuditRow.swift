import Foundation

/// An `audit` (and `rotate --dry-run`) row (SPEC §2).
public struct AuditRow: OutputRow, Equatable {
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
