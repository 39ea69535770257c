import Foundation

/// A row that commands print as a table, JSON (snake_case keys in `columns` order) or CSV.
public protocol OutputRow: Sendable {
    static var columns: [String] { get }
    /// One value per column, in the same order.
    var fields: [FieldValue] { get }
}
