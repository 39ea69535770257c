import Foundation
import RotatorCore

/// Plain aligned columns for a terminal.
enum TableRenderer {
    static func render(header: [String], rows: [[String]]) -> String {
        if rows.isEmpty { return "(no rows)\n" }
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where cell.count > widths[index] {
                widths[index] = cell.count
            }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ") + "\n"
        }
        var text = line(header.map { $0.uppercased() })
        for row in rows { text += line(row) }
        return text
    }
}
