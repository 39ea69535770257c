import Foundation

/// One token read from an import file, with the line it came from (the header of a CSV file is line 1; for JSON,
/// the line where the token's object starts).
public struct ImportedToken: Sendable, Equatable {
    public var line: Int
    public var record: InventoryToken

    public init(line: Int, record: InventoryToken) {
        self.line = line
        self.record = record
    }
}
