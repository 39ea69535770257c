import Foundation

/// One field of an output record, typed so that every format writes it right: JSON keeps numbers
/// and booleans, CSV and tables print them as text, instants are ISO 8601 UTC everywhere.
public enum FieldValue: Sendable, Equatable {
    case text(String)
    case integer(Int64)
    case bool(Bool)
    case instant(Date)
    case null

    public static func optionalText(_ value: String?) -> FieldValue { value.map(FieldValue.text) ?? .null }
    public static func optionalInstant(_ value: Date?) -> FieldValue { value.map(FieldValue.instant) ?? .null }
    public static func optionalInteger(_ value: Int64?) -> FieldValue { value.map(FieldValue.integer) ?? .null }
}
