import Foundation
import GRDB

extension InventoryError {
    /// Translates an SQLite failure into the error a user can act on.
    init(_ error: DatabaseError, path: String, operation: String) {
        let message = error.message ?? "SQLite error \(error.resultCode.rawValue)"
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            self = .notADatabase(path: path, detail: message)
        case .SQLITE_READONLY:
            self = .readOnlyFile(path: path)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            self = .busy(path: path)
        case .SQLITE_CANTOPEN:
            self = .cannotOpen(path: path, detail: message)
        default:
            self = .database(path: path, operation: operation, message: message)
        }
    }
}
