import Foundation
import RotatorCore

/// The row formats every record-printing command accepts.
enum RowFormat: String, CaseIterable {
    case table, json, csv
}
