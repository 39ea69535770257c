import Foundation

/// One entry of `rotate`'s `results` (SPEC §2).
public struct RotationResultRow: OutputRow, Equatable {
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
