import Foundation
import RotatorCore

/// Streams records in one of the row formats. JSON and CSV are encoded straight into a byte buffer and
/// written out in 64 KiB chunks (flat memory and little work per row on 100k-row inventories); a table
/// must see every row first to size its columns.
final class RowWriter<Row: OutputRow> {
    private let format: RowFormat
    private let output: any TextOutput
    private var count = 0
    private var bytes: [UInt8] = []
    private var tableRows: [[String]] = []
    /// `"column": ` for each column, encoded once.
    private let jsonKeys: [[UInt8]]
    private static var chunk: Int { 64 * 1024 }

    init(format: RowFormat, output: any TextOutput) {
        self.format = format
        self.output = output
        self.jsonKeys = Row.columns.map { Array("\"\($0)\": ".utf8) }
        bytes.reserveCapacity(Self.chunk + 4096)
        if format == .csv {
            for (index, column) in Row.columns.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                Self.appendCSV(Array(column.utf8), to: &bytes)
            }
            bytes.append(UInt8(ascii: "\n"))
        }
    }

    func write(_ record: Row) {
        let fields = record.fields
        switch format {
        case .json:
            if count > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: count == 0 ? "[\n  {".utf8 : "\n  {".utf8)
            for (index, field) in fields.enumerated() {
                if index > 0 {
                    bytes.append(UInt8(ascii: ","))
                    bytes.append(UInt8(ascii: " "))
                }
                bytes.append(contentsOf: jsonKeys[index])
                Self.appendJSON(field, to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        case .csv:
            for (index, field) in fields.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                Self.appendCSV(Self.csvBytes(field), to: &bytes)
            }
            bytes.append(UInt8(ascii: "\n"))
        case .table:
            tableRows.append(fields.map(Self.plain))
        }
        count += 1
        if bytes.count >= Self.chunk { drain() }
    }

    func finish() {
        switch format {
        case .json:
            bytes.append(contentsOf: Array((count == 0 ? "[]\n" : "\n]\n").utf8))
        case .csv:
            break
        case .table:
            output.write(TableRenderer.render(header: Row.columns, rows: tableRows))
        }
        drain()
        output.flush()
    }

    private func drain() {
        guard !bytes.isEmpty else { return }
        output.write(bytes: bytes)
        bytes.removeAll(keepingCapacity: true)
    }

    static func plain(_ value: FieldValue) -> String {
        String(decoding: plainBytes(value), as: UTF8.self)
    }

    static func plainBytes(_ value: FieldValue) -> [UInt8] {
        var bytes: [UInt8] = []
        switch value {
        case .text(let text): bytes.append(contentsOf: text.utf8)
        case .integer(let number): bytes.append(contentsOf: String(number).utf8)
        case .bool(let flag): bytes.append(contentsOf: (flag ? "true" : "false").utf8)
        case .instant(let date): Timestamp.append(date, to: &bytes)
        case .null: break
        }
        return bytes
    }

    /// A CSV cell: text that a spreadsheet would run as a formula (leading `=`, `+`, `-` or `@`) gets a leading
    /// `'` (SPEC §8.10; `inventory import` takes it off again); numbers, booleans and instants are never altered.
    static func csvBytes(_ value: FieldValue) -> [UInt8] {
        var bytes = plainBytes(value)
        if case .text = value, let first = bytes.first,
            first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-")
                || first == UInt8(ascii: "@")
        {
            bytes.insert(UInt8(ascii: "'"), at: 0)
        }
        return bytes
    }

    static func appendJSON(_ value: FieldValue, to bytes: inout [UInt8]) {
        switch value {
        case .text(let text): JSONText.append(text, to: &bytes)
        case .integer(let number): bytes.append(contentsOf: String(number).utf8)
        case .bool(let flag): bytes.append(contentsOf: (flag ? "true" : "false").utf8)
        case .instant(let date):
            bytes.append(UInt8(ascii: "\""))
            Timestamp.append(date, to: &bytes)
            bytes.append(UInt8(ascii: "\""))
        case .null: bytes.append(contentsOf: "null".utf8)
        }
    }

    /// RFC 4180: quote a field holding a comma, a quote or a line break, doubling its quotes.
    static func appendCSV(_ field: [UInt8], to bytes: inout [UInt8]) {
        let needsQuotes = field.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
        guard needsQuotes else {
            bytes.append(contentsOf: field)
            return
        }
        bytes.append(UInt8(ascii: "\""))
        for byte in field {
            if byte == UInt8(ascii: "\"") { bytes.append(byte) }
            bytes.append(byte)
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
