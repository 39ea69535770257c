import Foundation
import RotatorCore

/// Streams records in one of the row formats. JSON and CSV write each row as it comes (flat memory
/// on large inventories); a table must see every row first to size its columns.
final class RecordWriter<Record: OutputRecord> {
    private let format: RowFormat
    private let output: any TextOutput
    private var count = 0
    private var tableRows: [[String]] = []

    init(format: RowFormat, output: any TextOutput) {
        self.format = format
        self.output = output
        if format == .csv {
            output.write(Record.columns.map(Self.csvField).joined(separator: ",") + "\n")
        }
    }

    func write(_ record: Record) {
        let fields = record.fields
        switch format {
        case .json:
            var line = count == 0 ? "[\n  {" : ",\n  {"
            for (index, column) in Record.columns.enumerated() {
                if index > 0 { line += ", " }
                line += "\"" + column + "\": " + Self.json(fields[index])
            }
            output.write(line + "}")
        case .csv:
            output.write(fields.map { Self.csvField(Self.plain($0)) }.joined(separator: ",") + "\n")
        case .table:
            tableRows.append(fields.map(Self.plain))
        }
        count += 1
    }

    func finish() {
        switch format {
        case .json:
            output.write(count == 0 ? "[]\n" : "\n]\n")
        case .csv:
            break
        case .table:
            output.write(TableRenderer.render(header: Record.columns, rows: tableRows))
        }
        output.flush()
    }

    static func plain(_ value: FieldValue) -> String {
        switch value {
        case .text(let text): text
        case .integer(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .instant(let date): Timestamp.format(date)
        case .null: ""
        }
    }

    static func json(_ value: FieldValue) -> String {
        switch value {
        case .text(let text): JSONText.quote(text)
        case .integer(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .instant(let date): "\"" + Timestamp.format(date) + "\""
        case .null: "null"
        }
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// The row formats every record-printing command accepts.
enum RowFormat: String, CaseIterable {
    case table, json, csv
}

/// JSON string quoting without Foundation's encoder (one call per field of every row).
enum JSONText {
    static func quote(_ text: String) -> String {
        var result = "\""
        result.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                result +=
                    "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

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
