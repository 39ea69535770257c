import Foundation

/// A `report` and `inventory list` row (SPEC §2).
public struct TokenReportRow: OutputRow, Equatable {
    public var assessment: TokenAssessment

    public init(_ assessment: TokenAssessment) {
        self.assessment = assessment
    }

    public static let columns = [
        "controller", "user", "name", "uuid", "created", "age_seconds", "state", "max_age_seconds", "due",
        "overdue", "last_rotated", "fingerprint", "use_count", "last_used_days",
    ]

    public var fields: [FieldValue] {
        let token = assessment.token
        let hasPolicy = assessment.rule != nil
        return [
            .text(token.controller), .text(token.user), .text(token.name), .text(token.uuid), .instant(token.created),
            .integer(assessment.age.seconds), .text(token.state.rawValue),
            .optionalInteger(assessment.maxAge?.seconds), .optionalInstant(assessment.due),
            hasPolicy ? .bool(assessment.overdue) : .null, .optionalInstant(token.lastRotated),
            .optionalText(token.fingerprint), .optionalInteger(token.useCount.map(Int64.init)),
            .optionalInteger(assessment.lastUsedDays.map(Int64.init)),
        ]
    }
}
